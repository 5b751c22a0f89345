package io.sipway.proxy.module.htable;

/**
 * One {@code modparam("htable", "htable", "name=>size=8;autoexpire=300;...")} (ht_api.c:ht_table_spec),
 * parsed when the proxy starts. Attributes Sipway does not implement are refused, naming them:
 * {@code cols} (several value columns packed in one string), {@code dmqreplicate} other than 0 (no
 * DMQ), {@code reloadat}.
 *
 * @param size        the {@code size} written (Kamailio's slots are 2^size: 8 below 2, 2^14 above 31)
 * @param autoexpire  seconds an item lives after its last update; 0: forever
 * @param initval     what a missing item reads as (and $shtinc starts from); null: $null
 * @param updateExpire whether an update restarts the item's lifetime (default 1)
 */
record TableSpec(String name, int size, long autoexpire, String dbtable, int dbmode, Long initval, boolean updateExpire) {
    /** Kamailio's default {@code size} when none is written: 16 slots. */
    static final int DEFAULT_SIZE = 4;

    /** The number of slots Kamailio makes for {@code size} (ht_add_table): not a cap on the items. */
    long slots() {
        if (size <= 1) {
            return 8;
        }
        if (size > 31) {
            return 1 << 14;
        }
        return 1L << size;
    }

    static TableSpec parse(String text) {
        int arrow = text.indexOf("=>");
        if (arrow < 0) {
            throw new IllegalArgumentException("htable definition '" + text + "' is not name=>attributes");
        }
        String name = text.substring(0, arrow).trim();
        if (name.isEmpty() || name.chars().anyMatch(Character::isWhitespace) || name.contains("=")) {
            throw new IllegalArgumentException("htable definition '" + text + "': bad table name '" + name + "'");
        }
        String attrs = text.substring(arrow + 2).trim();
        if (attrs.endsWith(";")) {
            attrs = attrs.substring(0, attrs.length() - 1);
        }
        if (attrs.isEmpty()) {
            throw new IllegalArgumentException("htable definition '" + text + "': no attributes (Kamailio refuses an empty list)");
        }
        int size = DEFAULT_SIZE;
        long autoexpire = 0;
        String dbtable = null;
        int dbmode = 0;
        Long initval = null;
        boolean updateExpire = true;
        for (String attr : attrs.split(";")) {
            int eq = attr.indexOf('=');
            String key = (eq < 0 ? attr : attr.substring(0, eq)).trim();
            String value = eq < 0 ? "" : unquote(attr.substring(eq + 1).trim());
            switch (key) {
                case "size" -> size = (int) number(text, key, value, false);
                case "autoexpire" -> autoexpire = number(text, key, value, false);
                case "dbtable" -> dbtable = value.isEmpty() ? null : value;
                case "dbmode" -> dbmode = (int) number(text, key, value, false);
                case "initval" -> initval = number(text, key, value, true);
                case "updateexpire" -> updateExpire = number(text, key, value, false) != 0;
                case "dmqreplicate" -> {
                    if (number(text, key, value, false) != 0) {
                        throw new IllegalArgumentException("htable definition '" + text
                                + "': dmqreplicate needs Kamailio's dmq module, which Sipway does not implement");
                    }
                }
                case "coldelim", "colnull" -> {
                    // they only shape the packing of cols, which is refused below when written
                    if (value.length() > 1) {
                        throw new IllegalArgumentException("htable definition '" + text + "': " + key + " takes one character");
                    }
                }
                case "cols" -> throw new IllegalArgumentException("htable definition '" + text
                        + "': the cols attribute (several value columns packed in one value) is not implemented by Sipway");
                default -> throw new IllegalArgumentException("htable definition '" + text + "': unknown attribute '" + key
                        + "' (Kamailio 5.6 has size, autoexpire, dbtable, cols, dbmode, initval, updateexpire, dmqreplicate, coldelim, colnull)");
            }
        }
        return new TableSpec(name, size, autoexpire, dbtable, dbmode, initval, updateExpire);
    }

    /** A SIP-parameter value may be written in double quotes (cols="a,b"). */
    private static String unquote(String v) {
        return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
    }

    private static long number(String text, String key, String value, boolean signed) {
        if (!value.matches(signed ? "[-+]?\\d+" : "\\d+")) {
            throw new IllegalArgumentException("htable definition '" + text + "': " + key + " needs a"
                    + (signed ? "n integer" : " non-negative integer") + ", not '" + value + "'");
        }
        return Long.parseLong(value);
    }
}
