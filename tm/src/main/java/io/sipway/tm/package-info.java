/**
 * Kamailio's tm for a proxy: RFC 3261 transactions as explicit state machines ({@link
 * io.sipway.tm.ServerState}, {@link io.sipway.tm.ClientState}), their timers, branches, CANCEL and
 * reply selection. {@link io.sipway.tm.TransactionLayer} is the entry; it is given a {@link
 * io.sipway.tm.Wire}, the event loops and {@link io.sipway.tm.Timers}. Each transaction runs on one
 * event loop (its timers, its replies, the script's hooks), so none has a lock. See
 * docs/ARCHITECTURE.md, "tm".
 */
package io.sipway.tm;
