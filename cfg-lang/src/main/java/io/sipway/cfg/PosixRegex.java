package io.sipway.cfg;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Kamailio's regular expressions (POSIX extended, glibc flavour) as java.util.regex patterns, for
 * the modules that take one as an argument (textops, siputils...): the one translation the
 * preprocessor's {@code #!subst} and the language's {@code =~} use too.
 */
public final class PosixRegex {
    private PosixRegex() {
    }

    /** The expression in java.util.regex syntax. */
    public static String toJava(String posix) {
        return Preprocessor.posixToJava(posix);
    }

    /**
     * @param flags java.util.regex flags
     * @throws IllegalArgumentException naming what is wrong with the expression
     */
    public static Pattern compile(String posix, int flags) {
        try {
            return Pattern.compile(toJava(posix), flags);
        } catch (IllegalArgumentException e) { // PatternSyntaxException, or the translation's own complaint
            throw new IllegalArgumentException("bad regular expression \"" + posix + "\": "
                    + (e instanceof PatternSyntaxException p ? p.getDescription() : e.getMessage()));
        }
    }
}
