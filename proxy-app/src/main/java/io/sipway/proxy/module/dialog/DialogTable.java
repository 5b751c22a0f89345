package io.sipway.proxy.module.dialog;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The dialogs in memory (dlg_hash.c's d_table): found by their hash entry and id (the {@code did}
 * Record-Route parameter, dlg.end_dlg) and by Call-ID and tags (get_dlg). The entry is a hash of
 * the Call-ID over {@code hash_size} slots; the id counts per slot from 1 (0 means "none").
 */
final class DialogTable {
    private volatile int size;
    private volatile AtomicIntegerArray nextId;
    private final ConcurrentHashMap<Long, Dialog> byId = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, List<Dialog>> byCallId = new ConcurrentHashMap<>();

    /** {@code hashSize} rounded down to a power of two, as Kamailio does. */
    DialogTable(int hashSize) {
        resize(hashSize);
    }

    /** hash_size as the module starts, before any dialog exists. */
    void resize(int hashSize) {
        int s = 1;
        while (s * 2 <= Math.max(1, hashSize) && s < (1 << 20)) {
            s *= 2;
        }
        this.nextId = new AtomicIntegerArray(s);
        this.size = s;
    }

    int entryOf(String callId) {
        int h = callId.hashCode();
        h ^= h >>> 16;
        return h & (size - 1);
    }

    /** A new dialog in the table (link_dlg). */
    Dialog create(String callId, String fromUri, String toUri, String ruri) {
        int entry = entryOf(callId);
        int id = 1 + nextId.getAndIncrement(entry);
        Dialog d = new Dialog(entry, id, callId, fromUri, toUri, ruri);
        byId.put(key(entry, id), d);
        byCallId.computeIfAbsent(callId, k -> new CopyOnWriteArrayList<>()).add(d);
        return d;
    }

    /** Takes a freed dialog out. */
    void remove(Dialog d) {
        byId.remove(key(d.hEntry, d.hId), d);
        byCallId.computeIfPresent(d.callId, (k, l) -> {
            l.remove(d);
            return l.isEmpty() ? null : l;
        });
    }

    Dialog lookup(long entry, long id) {
        return byId.get(key(entry, id));
    }

    private static long key(long entry, long id) {
        return entry << 32 | (id & 0xffffffffL);
    }

    /**
     * get_dlg: the dialog of these Call-ID and tags and the direction of the request
     * ({@code dir[0]}): downstream when the From tag is the caller's, upstream when the To tag is.
     * A dialog still alive is preferred to one that ended with the same identifiers.
     */
    Dialog find(String callId, String ftag, String ttag, int[] dir) {
        List<Dialog> l = byCallId.get(callId);
        if (l == null) {
            return null;
        }
        Dialog ended = null;
        int endedDir = DlgCtx.DIR_NONE;
        for (Dialog d : l) {
            int m = match(d, ftag, ttag);
            if (m == DlgCtx.DIR_NONE) {
                continue;
            }
            int state;
            synchronized (d) {
                state = d.state;
            }
            if (state != Dialog.DELETED) {
                dir[0] = m;
                return d;
            }
            if (ended == null) {
                ended = d;
                endedDir = m;
            }
        }
        dir[0] = endedDir;
        return ended;
    }

    /** match_dialog: the direction the tags say, or DIR_NONE. */
    static int match(Dialog d, String ftag, String ttag) {
        String caller;
        String callee;
        synchronized (d) {
            caller = d.tag[Dialog.CALLER];
            callee = d.tag[Dialog.CALLEE];
        }
        boolean noTtag = ttag == null || ttag.isEmpty();
        boolean noCallee = callee == null || callee.isEmpty();
        if (caller != null && caller.equals(ftag) && (noTtag || noCallee || callee.equals(ttag))) {
            return DlgCtx.DIR_DOWNSTREAM;
        }
        if (!noTtag && caller != null && caller.equals(ttag) && (noCallee || callee.equals(ftag))) {
            return DlgCtx.DIR_UPSTREAM;
        }
        return DlgCtx.DIR_NONE;
    }

    /** Every dialog, by entry then id (dlg.list's order). */
    List<Dialog> all() {
        List<Dialog> out = new ArrayList<>(byId.values());
        out.sort(Comparator.<Dialog>comparingInt(d -> d.hEntry).thenComparingInt(d -> d.hId));
        return out;
    }

    int count() {
        return byId.size();
    }
}
