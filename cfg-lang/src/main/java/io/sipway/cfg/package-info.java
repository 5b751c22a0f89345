/**
 * The kamailio.cfg language: preprocessor, grammar, checker, compiler to an action tree and its
 * interpreter. Built in a later issue; see docs/ARCHITECTURE.md.
 */
package io.sipway.cfg;
