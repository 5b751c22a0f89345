package io.sipway.proxy.module.mqueue;

import io.sipway.proxy.module.AttributeList;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;

/** One mqueue queue: key/value pairs in the order added, bounded by its size (0: unbounded). */
final class KeyValueQueue {
    private final String name;
    private final int size;
    private final int addMode;
    private final Deque<String[]> items = new ArrayDeque<>();

    private KeyValueQueue(String name, int size, int addMode) {
        this.name = name;
        this.size = size;
        this.addMode = addMode;
    }

    /** Kamailio's "name=NAME;size=N;addmode=M" (dbmode 0 only). @throws IllegalArgumentException for a bad one */
    static KeyValueQueue parse(String spec) {
        String name = null;
        int size = 0;
        int addMode = 0;
        for (Map.Entry<String, String> e : AttributeList.parse(spec).entrySet()) {
            String k = e.getKey();
            String v = e.getValue();
            switch (k) {
                case "name" -> name = v;
                case "size" -> size = number(k, v, 0, Integer.MAX_VALUE);
                case "addmode" -> addMode = number(k, v, 0, 2);
                case "dbmode" -> {
                    if (number(k, v, 0, 3) != 0) {
                        throw new IllegalArgumentException("dbmode " + v + ": Sipway keeps the queues in memory only (dbmode=0)");
                    }
                }
                default -> throw new IllegalArgumentException("unknown queue attribute " + k);
            }
        }
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a queue needs a name: name=NAME;");
        }
        return new KeyValueQueue(name, size, addMode);
    }

    private static int number(String k, String v, int min, int max) {
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException("bad " + k + " '" + v + "'");
    }

    String name() {
        return name;
    }

    synchronized void add(String key, String value) {
        if (addMode != 0) {
            for (Iterator<String[]> it = items.iterator(); it.hasNext(); ) {
                String[] item = it.next();
                if (item[0].equals(key)) {
                    if (addMode == 1) { // keep the oldest value
                        return;
                    }
                    item[1] = value; // 2: the newest value, in the place of the key
                    return;
                }
            }
        }
        items.addLast(new String[] {key, value});
        if (size > 0 && items.size() > size) {
            items.removeFirst();
        }
    }

    synchronized String[] poll() {
        return items.pollFirst();
    }

    synchronized int size() {
        return items.size();
    }
}
