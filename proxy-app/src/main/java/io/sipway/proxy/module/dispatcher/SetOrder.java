package io.sipway.proxy.module.dispatcher;

import java.util.ArrayList;
import java.util.List;

/**
 * The order in which Kamailio walks its sets (dispatcher.list, ds_is_from_list() over every set):
 * it keeps them in an AVL tree keyed by set id, built as the list is read, and visits each node
 * after its left and right subtrees. The walk order is what an operator sees in dispatcher.list and
 * decides which set a source matching several sets is reported in, so the tree is built here the
 * same way (dispatch.c: ds_avl_insert, avl_rebalance and its rotations) to get the same order.
 */
final class SetOrder {
    private static final int NEITHER = -1;

    private static final class Node {
        final int id;
        final Node[] next = new Node[2];
        int longer = NEITHER;

        Node(int id) {
            this.id = id;
        }

        boolean balanced() {
            return longer < 0;
        }
    }

    /** A pointer to a link (Kamailio's ds_set_t **): the root, or a child slot of a node. */
    private interface Link {
        Node get();

        void set(Node n);
    }

    private Node root;

    private final Link rootLink = new Link() {
        @Override
        public Node get() {
            return root;
        }

        @Override
        public void set(Node n) {
            root = n;
        }
    };

    private static Link child(Node parent, int dir) {
        return new Link() {
            @Override
            public Node get() {
                return parent.next[dir];
            }

            @Override
            public void set(Node n) {
                parent.next[dir] = n;
            }
        };
    }

    /** Adds a set id (nothing when it is there already). */
    void insert(int id) {
        Link rotationTop = rootLink;
        Link at = rootLink;
        Node node = at.get();
        while (node != null && id != node.id) {
            int step = id > node.id ? 1 : 0;
            if (!node.balanced()) {
                rotationTop = at;
            }
            at = child(node, step);
            node = at.get();
        }
        if (node == null) {
            at.set(new Node(id));
            rebalance(rotationTop, id);
        }
    }

    /** The ids in Kamailio's walk order: left subtree, right subtree, node. */
    List<Integer> walk() {
        List<Integer> out = new ArrayList<>();
        walk(root, out);
        return out;
    }

    private static void walk(Node n, List<Integer> out) {
        if (n == null) {
            return;
        }
        walk(n.next[0], out);
        walk(n.next[1], out);
        out.add(n.id);
    }

    private static void rebalancePath(Node path, int id) {
        while (path != null && id != path.id) {
            int step = id > path.id ? 1 : 0;
            path.longer = step;
            path = path.next[step];
        }
    }

    private static Node rotate2(Link top, int dir) {
        Node b = top.get();
        Node d = b.next[dir];
        Node c = d.next[1 - dir];
        Node e = d.next[dir];
        top.set(d);
        d.next[1 - dir] = b;
        b.next[dir] = c;
        b.longer = NEITHER;
        d.longer = NEITHER;
        return e;
    }

    private static Node rotate3(Link top, int dir, int third) {
        Node b = top.get();
        Node f = b.next[dir];
        Node d = f.next[1 - dir];
        Node c = d.next[1 - dir];
        Node e = d.next[dir];
        top.set(d);
        d.next[1 - dir] = b;
        d.next[dir] = f;
        b.next[dir] = c;
        f.next[1 - dir] = e;
        d.longer = NEITHER;
        b.longer = NEITHER;
        f.longer = NEITHER;
        if (third == NEITHER) {
            return null;
        }
        if (third == dir) {
            b.longer = 1 - dir;
            return e;
        }
        f.longer = dir;
        return c;
    }

    private static void rebalance(Link top, int id) {
        Node path = top.get();
        if (path.balanced()) {
            rebalancePath(path, id);
            return;
        }
        int first = id > path.id ? 1 : 0;
        if (path.longer != first) {
            path.longer = NEITHER;
            rebalancePath(path.next[first], id);
            return;
        }
        int second = id > path.next[first].id ? 1 : 0;
        if (first == second) {
            rebalancePath(rotate2(top, first), id);
            return;
        }
        path = path.next[first].next[second];
        int third = id == path.id ? NEITHER : id > path.id ? 1 : 0;
        rebalancePath(rotate3(top, first, third), id);
    }
}
