package io.sipway.proxy.cli;

/** Kamailio's {@code -m}: a whole number of megabytes, as its main.c reads it (strtol, base 10, nothing after). */
final class MemorySize {
    private MemorySize() {
    }

    /** The bytes {@code -m value} names; a clear error for anything but a positive number of MB. */
    static long megabytes(String value) {
        long mb;
        try {
            mb = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad shmem size number: -m " + value);
        }
        if (mb <= 0 || mb > (Long.MAX_VALUE >> 20)) {
            throw new IllegalArgumentException("bad shmem size number: -m " + value);
        }
        return mb << 20;
    }
}
