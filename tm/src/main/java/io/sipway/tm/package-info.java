/**
 * RFC 3261 transactions, timers, branches and reply selection. Built in a later issue; see
 * docs/ARCHITECTURE.md.
 */
package io.sipway.tm;
