package io.sipway.cfg;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneId;
import java.time.ZoneOffset;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The strftime formats of {@code s.ftime}; every expected string is what glibc's strftime printed
 * for the same time in the same zone (TZ=UTC or TZ=Europe/Berlin).
 */
class StrftimeTest {
    /** 2023-11-14 22:13:20 UTC, a Tuesday. */
    private static final long T = 1_700_000_000L;
    private static final ZoneId UTC = ZoneId.of("UTC");
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    private static String f(String format, long epoch, ZoneId zone) {
        return Strftime.compile(format).format(epoch, zone);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "%Y-%m-%d %H:%M:%S | 2023-11-14 22:13:20",
        "%a %A %b %B %h    | Tue Tuesday Nov November Nov",
        "%c                | Tue Nov 14 22:13:20 2023",
        "%C %d %D %e %F    | 20 14 11/14/23 14 2023-11-14",
        "%g %G %H %I %j    | 23 2023 22 10 318",
        "%k %l %m %M       | 22 10 11 13",
        "%p %P %r %R       | PM pm 10:13:20 PM 22:13",
        "%s %S %T %u %U    | 1700000000 20 22:13:20 2 46",
        "%V %w %W %x %X    | 46 2 46 11/14/23 22:13:20",
        "%y %Y %z %Z %%    | 23 2023 +0000 UTC %",
    })
    void everyConversionAsGlibcInTheCLocale(String format, String expected) {
        assertThat(f(format.strip(), T, UTC)).isEqualTo(expected.strip());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "`%-d %_m %5Y %^a %#b %#Z %#p` | 14 11 02023 TUE NOV utc pm",
        "`%Ey %Od %-H|%_H|%05d|%-5d|%^10B|` | `23 14 22|22|00014|   14|  NOVEMBER|`",
        "`%-10B|%010B|%_5d|%3d|%3e|%_3Y|%-3j` | `  November|00November|   14|014| 14|2023|318`",
        "`%#A|%#a|%^p|%5%|%E%|%-_0d` | `TUESDAY|TUE|PM|    %|%|14`",
    })
    void glibcFlagsWidthsAndModifiers(String format, String expected) {
        assertThat(f(format, T, UTC)).isEqualTo(expected);
    }

    @Test
    void glibcsOwnWaysWithSomeConversions() {
        ZoneId kolkata = ZoneId.of("Asia/Kolkata");
        assertThat(f("%z|%-z|%_z|%^z", T, kolkata)).isEqualTo("+0530|+530|+ 530|+0530");
        assertThat(f("%z|%-z", T, ZoneId.of("America/New_York"))).isEqualTo("-0500|-500");
        assertThat(f("%4t|%03t|%3n|", T, UTC)).isEqualTo("   \t|00\t|  \n|");
        assertThat(f("%P|%^P|%#P|%^5P", T, UTC)).isEqualTo("pm|pm|pm|   pm"); // no case flag touches %P
        assertThat(f("%11s|%^1M|%01l", T, UTC)).isEqualTo(" 1700000000|13|10");
    }

    @Test
    void whatIsNoConversionIsCopiedAsWritten() {
        assertThat(f("%Q %Ed %EQ %", T, UTC)).isEqualTo("%Q %Ed %EQ %");
        assertThat(f("plain text", T, UTC)).isEqualTo("plain text");
        assertThat(f("", T, UTC)).isEqualTo("");
        assertThat(f("%n%t", T, UTC)).isEqualTo("\n\t");
    }

    @Test
    void theZoneDecidesTheFieldsAndItsNameAndOffset() {
        assertThat(f("%Y-%m-%d %H:%M:%S %z %Z", 1_690_000_000L, BERLIN)).isEqualTo("2023-07-22 06:26:40 +0200 CEST");
        assertThat(f("%Y-%m-%d %H:%M:%S %z %Z %U %W %V %G %j", 0L, BERLIN))
                .isEqualTo("1970-01-01 01:00:00 +0100 CET 00 00 01 1970 001");
        assertThat(f("%z %Z", T, ZoneOffset.UTC)).isEqualTo("+0000 UTC");
        assertThat(f("%H %z %Z", T, ZoneOffset.ofHours(4))).isEqualTo("02 +0400 +04");
    }

    @Test
    void isoWeeksAtTheTurnOfTheYear() {
        // 2021-01-01 was a Friday in ISO week 53 of 2020
        assertThat(f("%a %U %W %V %G %g %j %u %w", 1_609_459_200L, UTC)).isEqualTo("Fri 00 00 53 2020 20 001 5 5");
    }

    @Test
    void beforeTheEpoch() {
        assertThat(f("%s %Y %C %y", -1L, UTC)).isEqualTo("-1 1969 19 69");
    }

    @Test
    void outsideJavasRangeIsNull() {
        assertThat(f("%s", Long.MAX_VALUE, UTC)).isNull();
        assertThat(f("%s", Long.MIN_VALUE, UTC)).isNull();
    }
}
