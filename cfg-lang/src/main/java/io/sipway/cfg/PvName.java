package io.sipway.cfg;

/**
 * A pseudo-variable's name as written, split: {@code $(hdr(Via)[1])} is name {@code hdr}, inner
 * {@code Via}, index {@code 1}. {@code inner} and {@code index} are null when absent; index is the
 * text between the brackets ({@code 0}, {@code -1}, {@code *}).
 */
public record PvName(String name, String inner, String index) {
    @Override
    public String toString() {
        String base = "$" + name + (inner == null ? "" : "(" + inner + ")");
        return index == null ? base : "$(" + base.substring(1) + "[" + index + "])";
    }
}
