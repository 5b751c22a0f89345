package io.sipway.sip;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A unit the stream framer returned, compared by kind and bytes (for the framer's tests). */
record FramedUnit(StreamFramer.Kind kind, byte[] bytes) {
    @Override
    public boolean equals(Object o) {
        return o instanceof FramedUnit u && u.kind == kind && Arrays.equals(u.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return kind.hashCode() * 31 + Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        if (text.length() > 80) {
            text = text.substring(0, 80) + "...(" + bytes.length + " bytes)";
        }
        return kind + "[" + text.replace("\r", "\\r").replace("\n", "\\n") + "]";
    }
}
