package io.sipway.proxy.module.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipway.proxy.module.auth.DigestMath.Algorithm;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The digest computations against the examples of RFC 2617 (3.5) and RFC 7616 (3.9.1). */
class DigestMathTest {

    @Test
    void rfc2617Example() {
        String ha1 = DigestMath.ha1(Algorithm.MD5, "Mufasa", "testrealm@host.com", "Circle Of Life");
        Credentials c = Credentials.parse("Digest username=\"Mufasa\", realm=\"testrealm@host.com\","
                + " nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", uri=\"/dir/index.html\", qop=auth, nc=00000001,"
                + " cnonce=\"0a4f113b\", response=\"6629fae49393a05397450978507c4ef1\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"");
        assertThat(c.complete()).isTrue();
        assertThat(DigestMath.response(Algorithm.MD5, ha1, c, "GET", null)).isEqualTo("6629fae49393a05397450978507c4ef1");
    }

    private static Credentials rfc7616(String response) {
        return Credentials.parse("Digest username=\"Mufasa\", realm=\"http-auth@example.org\", uri=\"/dir/index.html\","
                + " algorithm=MD5, nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", nc=00000001,"
                + " cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\", qop=auth, response=\"" + response + "\","
                + " opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"");
    }

    @Test
    void rfc7616ExampleWithMd5AndSha256() {
        Credentials c = rfc7616("8ca523f5e9506fed4657c9700eebdbec");
        String md5 = DigestMath.ha1(Algorithm.MD5, "Mufasa", "http-auth@example.org", "Circle of Life");
        assertThat(DigestMath.response(Algorithm.MD5, md5, c, "GET", null)).isEqualTo("8ca523f5e9506fed4657c9700eebdbec");
        String sha = DigestMath.ha1(Algorithm.SHA256, "Mufasa", "http-auth@example.org", "Circle of Life");
        assertThat(sha).hasSize(64);
        assertThat(DigestMath.response(Algorithm.SHA256, sha, c, "GET", null))
                .isEqualTo("753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
    }

    @Test
    void withoutQopTheResponseIsOverHa1NonceAndHa2() {
        String ha1 = DigestMath.ha1(Algorithm.MD5, "alice", "example.com", "secret");
        Credentials c = Credentials.parse("Digest username=\"alice\", realm=\"example.com\", nonce=\"n\", uri=\"sip:example.com\","
                + " response=\"r\"");
        String ha2 = DigestMath.hash(Algorithm.MD5, "REGISTER:sip:example.com");
        assertThat(DigestMath.response(Algorithm.MD5, ha1, c, "REGISTER", null)).isEqualTo(DigestMath.hash(Algorithm.MD5,
                ha1 + ":n:" + ha2));
    }

    @Test
    void authIntHashesTheBodyIntoHa2() {
        String ha1 = DigestMath.ha1(Algorithm.MD5, "alice", "example.com", "secret");
        Credentials c = Credentials.parse("Digest username=\"alice\", realm=\"example.com\", nonce=\"n\", uri=\"sip:bob@example.com\","
                + " qop=auth-int, nc=00000001, cnonce=\"c\", response=\"r\"");
        byte[] body = "v=0\r\n".getBytes(StandardCharsets.US_ASCII);
        String ha2 = DigestMath.hash(Algorithm.MD5, "INVITE:sip:bob@example.com:" + DigestMath.hash(Algorithm.MD5, "v=0\r\n"));
        assertThat(DigestMath.response(Algorithm.MD5, ha1, c, "INVITE", body))
                .isEqualTo(DigestMath.hash(Algorithm.MD5, ha1 + ":n:00000001:c:auth-int:" + ha2));
    }

    @Test
    void theUsernameSplitsAtItsFirstAtAndOtherSchemesAreNotDigest() {
        Credentials c = Credentials.parse("digest username=\"alice@example.com\", realm=\"example.com\"");
        assertThat(c.user()).isEqualTo("alice");
        assertThat(c.domain()).isEqualTo("example.com");
        assertThat(c.complete()).isFalse();
        assertThat(Credentials.parse("Basic YWxhZGRpbjpvcGVuc2VzYW1l")).isSameAs(Credentials.OTHER_SCHEME);
        assertThat(Credentials.parse("Digest username=\"unterminated")).isNull();
    }
}
