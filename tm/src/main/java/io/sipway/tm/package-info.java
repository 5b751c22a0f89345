/**
 * Kamailio's tm for a proxy: RFC 3261 transactions as explicit state machines ({@link
 * io.sipway.tm.ServerState}, {@link io.sipway.tm.ClientState}), their timers, branches, CANCEL and
 * reply selection. {@link io.sipway.tm.TransactionLayer} is the entry; it is given a {@link
 * io.sipway.tm.Wire} and {@link io.sipway.tm.Timers}. See docs/ARCHITECTURE.md, "tm".
 */
package io.sipway.tm;
