package io.sipway.proxy.core;

import java.util.List;

/**
 * What modules hook into the core, each off (null or empty) unless a module sets it at start:
 * Kamailio's tm callbacks ({@link TransactionObserver}: acc, dialog, tsilo, uac), rr's callbacks
 * (register_rrcb: dialog, uac, path), outbound's flow tokens, sl's reply callbacks (siptrace).
 */
public final class ModuleHooks {
    /** The modules that follow transactions, or null: nothing is called per transaction then. */
    private volatile TransactionObserver observer;
    /** The outbound module's flow tokens (RFC 5626), or null when it is not loaded. */
    private volatile Outbound outbound;

    ModuleHooks() {
    }

    /**
     * A module that follows every transaction from now on (Kamailio's tm callbacks: acc's, dialog's).
     * Several modules may: they are told in the order they registered, as tm runs its callback list.
     */
    public synchronized void observeTransactions(TransactionObserver o) {
        TransactionObserver before = this.observer;
        this.observer = before == null ? o : TransactionObserver.both(before, o);
    }

    /** The outbound module's flow tokens, or null when it is not loaded. */
    public Outbound outbound() {
        return outbound;
    }

    /** The outbound module, when it starts: rr's record_route/loose_route and path's add_path use its flow tokens. */
    public void outbound(Outbound o) {
        outbound = o;
    }

    /** rr's callbacks (register_rrcb: dialog, uac), told the request and our Route's parameters. */
    private final List<java.util.function.BiConsumer<MsgContext, String>> rrCallbacks = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Registers an rr callback (module.rr.RrCallbacks), run in registration order. */
    public void onLooseRoute(java.util.function.BiConsumer<MsgContext, String> callback) {
        rrCallbacks.add(callback);
    }

    /** loose_route() routed {@code ctx} by a Route of ours with these parameters: the rr callbacks run. */
    public void looseRouted(MsgContext ctx, String routeParams) {
        for (java.util.function.BiConsumer<MsgContext, String> cb : rrCallbacks) {
            cb.accept(ctx, routeParams);
        }
    }

    /** What follows the transactions, or null. */
    public TransactionObserver transactionObserver() {
        return observer;
    }

    /** Who sees each stateless reply sent (Kamailio's sl callback SLCB_REPLY_READY, siptrace's), or null. */
    private volatile java.util.function.BiConsumer<MsgContext, byte[]> statelessReplyTap;

    /** Shows each stateless reply (sl_send_reply and the like) to {@code tap}, with its request, after it left. */
    public void tapStatelessReplies(java.util.function.BiConsumer<MsgContext, byte[]> tap) {
        statelessReplyTap = tap;
    }

    public java.util.function.BiConsumer<MsgContext, byte[]> statelessReplyTap() {
        return statelessReplyTap;
    }
}
