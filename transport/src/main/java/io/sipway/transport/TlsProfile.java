package io.sipway.transport;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The protocols and cipher suites a TLS server offers, in its order of preference (the server's
 * order decides: Kamailio leaves it to the client), from the tls module's {@code tls_method}
 * ({@code method} in tls.cfg) and {@code cipher_list}.
 *
 * <p>Only suites of Mozilla's "intermediate" profile (v5.7) are ever enabled: ECDHE or DHE key
 * exchange with AES-GCM or ChaCha20-Poly1305 for TLS 1.2, and the three TLS 1.3 suites. A
 * {@code cipher_list} (OpenSSL's format, see ciphers(1)) picks and orders among them: names
 * (OpenSSL's {@code ECDHE-ECDSA-AES128-GCM-SHA256} or IANA's
 * {@code TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256}) and aliases ({@code HIGH}, {@code DEFAULT},
 * {@code ALL}, {@code ECDHE}, {@code aECDSA}, {@code AESGCM}, {@code CHACHA20}... joined with
 * {@code +} for "both"), prefixed {@code !} (never), {@code -} (remove) or {@code +} (move to the
 * end); {@code @STRENGTH} and {@code @SECLEVEL} are accepted and change nothing. What the profile
 * does not allow (CBC, RSA key exchange, 3DES...) selects nothing. As in OpenSSL, the list applies
 * to TLS 1.2; the TLS 1.3 suites stay the profile's. A list that selects no suite is an error, as
 * OpenSSL's "no cipher match" stops Kamailio.
 *
 * @param protocols JSSE protocol names, newest first
 * @param cipherSuites IANA suite names, preferred first (TLS 1.3 ones first)
 */
public record TlsProfile(List<String> protocols, List<String> cipherSuites) {

    /** One suite of the profile and what OpenSSL's aliases see in it. */
    private record Suite(String openssl, String iana, String kx, String auth, String cipher, String mac, boolean tls13) {
    }

    /** The profile, in its order of preference (Mozilla's). */
    private static final List<Suite> PROFILE = List.of(
            new Suite("TLS_AES_128_GCM_SHA256", "TLS_AES_128_GCM_SHA256", "", "", "AES128GCM", "SHA256", true),
            new Suite("TLS_AES_256_GCM_SHA384", "TLS_AES_256_GCM_SHA384", "", "", "AES256GCM", "SHA384", true),
            new Suite("TLS_CHACHA20_POLY1305_SHA256", "TLS_CHACHA20_POLY1305_SHA256", "", "", "CHACHA20", "SHA256", true),
            new Suite("ECDHE-ECDSA-AES128-GCM-SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "ECDHE", "ECDSA", "AES128GCM", "SHA256", false),
            new Suite("ECDHE-RSA-AES128-GCM-SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE", "RSA", "AES128GCM", "SHA256", false),
            new Suite("ECDHE-ECDSA-AES256-GCM-SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "ECDHE", "ECDSA", "AES256GCM", "SHA384", false),
            new Suite("ECDHE-RSA-AES256-GCM-SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "ECDHE", "RSA", "AES256GCM", "SHA384", false),
            new Suite("ECDHE-ECDSA-CHACHA20-POLY1305", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE", "ECDSA", "CHACHA20", "SHA256",
                    false),
            new Suite("ECDHE-RSA-CHACHA20-POLY1305", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE", "RSA", "CHACHA20", "SHA256", false),
            new Suite("DHE-RSA-AES128-GCM-SHA256", "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "DHE", "RSA", "AES128GCM", "SHA256", false),
            new Suite("DHE-RSA-AES256-GCM-SHA384", "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", "DHE", "RSA", "AES256GCM", "SHA384", false),
            new Suite("DHE-RSA-CHACHA20-POLY1305", "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "DHE", "RSA", "CHACHA20", "SHA256", false));

    public TlsProfile {
        protocols = List.copyOf(protocols);
        cipherSuites = List.copyOf(cipherSuites);
    }

    /** TLSv1.2+ and the whole profile: what a server without tls_method and cipher_list offers. */
    public static TlsProfile defaults() {
        return of(null, null);
    }

    /**
     * The profile for Kamailio's {@code tls_method} and {@code cipher_list} (either may be null:
     * TLSv1.2+, the whole profile).
     *
     * @throws IllegalArgumentException naming the method or list and why it cannot be used
     */
    public static TlsProfile of(String method, String cipherList) {
        List<String> protocols = protocols(method == null ? "TLSv1.2+" : method.trim());
        List<String> suites = new ArrayList<>();
        if (protocols.contains("TLSv1.3")) {
            for (Suite s : PROFILE) {
                if (s.tls13) {
                    suites.add(s.iana);
                }
            }
        }
        List<Suite> tls12 = cipherList == null || cipherList.isBlank() ? tls12Suites() : select(cipherList);
        if (tls12.isEmpty()) {
            throw new IllegalArgumentException("cipher_list \"" + cipherList + "\" selects none of the TLS 1.2 suites Sipway allows ("
                    + String.join(":", tls12Suites().stream().map(Suite::openssl).toList()) + ")");
        }
        if (protocols.contains("TLSv1.2")) {
            tls12.forEach(s -> suites.add(s.iana));
        }
        return new TlsProfile(protocols, suites);
    }

    /** Kamailio's method names (src/modules/tls/tls_cfg.c, 5.6 plus 5.8's TLSv1.3) to JSSE protocols; older ones refused. */
    private static List<String> protocols(String method) {
        return switch (method.toUpperCase(Locale.ROOT)) {
            // SSLv23 is "any": OpenSSL's flexible method; the older minimums mean "that or newer", and newer is all there is here
            case "TLSV1.2+", "SSLV23", "TLSV1+", "TLSV1.0+", "TLSV1.1+" -> List.of("TLSv1.3", "TLSv1.2");
            case "TLSV1.2" -> List.of("TLSv1.2");
            case "TLSV1.3", "TLSV1.3+" -> List.of("TLSv1.3");
            case "TLSV1", "TLSV1.0", "TLSV1.1", "SSLV3", "SSLV2" -> throw new IllegalArgumentException("tls method " + method
                    + ": only that protocol, which Sipway does not speak (TLS 1.2 and 1.3 only; TLSv1.2+ accepts both)");
            default -> throw new IllegalArgumentException("tls method " + method
                    + ": expected TLSv1.2+, TLSv1.2, TLSv1.3 or SSLv23 (TLSv1+ and TLSv1.1+ are taken as TLSv1.2+)");
        };
    }

    private static List<Suite> tls12Suites() {
        return PROFILE.stream().filter(s -> !s.tls13).toList();
    }

    /** OpenSSL's cipher list semantics (ciphers(1)) over the profile's TLS 1.2 suites. */
    private static List<Suite> select(String cipherList) {
        LinkedHashSet<Suite> chosen = new LinkedHashSet<>();
        Set<Suite> never = new java.util.HashSet<>();
        for (String token : cipherList.trim().split("[:, ]+")) {
            if (token.isEmpty() || token.startsWith("@")) { // @STRENGTH, @SECLEVEL=n: the profile is ordered and strong already
                continue;
            }
            char op = token.charAt(0);
            String body = op == '!' || op == '-' || op == '+' ? token.substring(1) : token;
            List<Suite> matched = tls12Suites().stream().filter(matcher(body)).toList();
            switch (op) {
                case '!' -> {
                    never.addAll(matched);
                    matched.forEach(chosen::remove);
                }
                case '-' -> matched.forEach(chosen::remove);
                case '+' -> matched.stream().filter(chosen::contains).forEach(s -> {
                    chosen.remove(s);
                    chosen.add(s);
                });
                default -> matched.stream().filter(s -> !never.contains(s)).forEach(chosen::add);
            }
        }
        return List.copyOf(chosen);
    }

    /** A name or an alias, or aliases joined with {@code +} (all of them). Unknown words match nothing, as in OpenSSL. */
    private static Predicate<Suite> matcher(String body) {
        Predicate<Suite> all = s -> true;
        for (String word : body.split("\\+")) {
            all = all.and(alias(word));
        }
        return all;
    }

    private static Predicate<Suite> alias(String word) {
        return switch (word) {
            case "ALL", "DEFAULT", "HIGH", "TLSv1.2" -> s -> true;
            case "ECDHE", "EECDH", "kECDHE", "kEECDH" -> s -> s.kx.equals("ECDHE");
            case "DHE", "EDH", "kDHE", "kEDH" -> s -> s.kx.equals("DHE");
            case "aECDSA", "ECDSA" -> s -> s.auth.equals("ECDSA");
            case "aRSA" -> s -> s.auth.equals("RSA");
            case "AESGCM" -> s -> s.cipher.endsWith("GCM");
            case "AES" -> s -> s.cipher.startsWith("AES");
            case "AES128" -> s -> s.cipher.equals("AES128GCM");
            case "AES256" -> s -> s.cipher.equals("AES256GCM");
            case "CHACHA20" -> s -> s.cipher.equals("CHACHA20");
            case "SHA256" -> s -> s.mac.equals("SHA256");
            case "SHA384" -> s -> s.mac.equals("SHA384");
            default -> s -> s.openssl.equals(word) || s.iana.equals(word);
        };
    }
}
