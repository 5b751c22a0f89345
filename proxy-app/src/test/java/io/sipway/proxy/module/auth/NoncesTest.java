package io.sipway.proxy.module.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Kamailio's nonces (nonce.c) on a clock the test moves: format, expiry, secret, extra checks, nc and one-time use. */
class NoncesTest {
    private final AtomicLong now = new AtomicLong(1_800_000_000L);
    private static final byte[] S1 = "first secret".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] S2 = "second secret".getBytes(StandardCharsets.US_ASCII);

    private Nonces nonces(int nc, int otn) {
        return new Nonces(S1, S2, 300, 3, nc, otn, now::get);
    }

    @Test
    void aNonceIsExpireSinceAndAnMd5OverThemAndTheSecret() throws Exception {
        Nonces n = nonces(0, 0);
        String nonce = n.create(null);
        assertThat(nonce).hasSize(32);
        ByteBuffer b = ByteBuffer.wrap(Base64.getDecoder().decode(nonce));
        assertThat(b.getInt(0)).isEqualTo(1_800_000_300);
        assertThat(b.getInt(4)).isEqualTo(1_800_000_000);
        java.security.MessageDigest md = java.security.MessageDigest.getInstance("MD5");
        md.update(b.array(), 0, 8);
        md.update(S1);
        assertThat(java.util.Arrays.copyOfRange(b.array(), 8, 24)).isEqualTo(md.digest());
        assertThat(n.check(nonce, null, null)).isZero();
    }

    @Test
    void itIsStaleAfterNonceExpireAndBeforeTheStart() {
        Nonces n = nonces(0, 0);
        String nonce = n.create(null);
        now.addAndGet(300);
        assertThat(n.check(nonce, null, null)).isZero();
        now.addAndGet(1);
        assertThat(n.check(nonce, null, null)).as("expired").isEqualTo(4);
        Nonces restarted = nonces(0, 0); // same secret, started later
        assertThat(restarted.check(nonce, null, null)).as("made before the start").isEqualTo(4);
    }

    @Test
    void anotherSecretOrGarbageIsInvalidNotStale() {
        String nonce = nonces(0, 0).create(null);
        Nonces other = new Nonces("x".getBytes(StandardCharsets.US_ASCII), S2, 300, 3, 0, 0, now::get);
        assertThat(other.check(nonce, null, null)).isEqualTo(2);
        assertThat(other.check("short", null, null)).isEqualTo(1);
        assertThat(other.check("!!!!not base64 at all, long enough!!!", null, null)).isEqualTo(-1);
    }

    @Test
    void aNonceFromTheFutureBeyondTheDriftIsStale() {
        now.addAndGet(10);
        String nonce = nonces(0, 0).create(null);
        now.addAndGet(-10);
        Nonces n = nonces(0, 0);
        now.addAndGet(5); // the nonce is 5 s ahead: more than 3
        assertThat(n.check(nonce, null, null)).isEqualTo(4);
    }

    @Test
    void extraChecksBindTheNonceToTheRequest() {
        Nonces n = nonces(0, 0);
        byte[] parts = "sip:alice@example.com callid".getBytes(StandardCharsets.US_ASCII);
        String nonce = n.create(parts);
        assertThat(nonce).hasSize(56);
        assertThat(n.check(nonce, parts, null)).isZero();
        assertThat(n.check(nonce, "sip:mallory@example.com".getBytes(StandardCharsets.US_ASCII), null)).isEqualTo(3);
    }

    @Test
    void withNonceCountTheNcMustGrow() {
        Nonces n = nonces(1024, 0);
        String nonce = n.create(null);
        assertThat(nonce).hasSize(40);
        assertThat(n.check(nonce, null, "00000001")).isZero();
        assertThat(n.check(nonce, null, "00000001")).as("replay").isEqualTo(4);
        assertThat(n.check(nonce, null, "00000003")).isZero();
        assertThat(n.check(nonce, null, "00000002")).isEqualTo(4);
        assertThat(n.check(nonce, null, "000000ff")).isZero();
        assertThat(n.check(nonce, null, "00000100")).as("above 255").isEqualTo(4);
        assertThat(n.check(nonce, null, "0000001")).as("not 8 hex digits").isEqualTo(5);
        assertThat(n.check(n.create(null), null, null)).as("no nc: the other checks").isZero();
    }

    @Test
    void aNonceIdPushedOutOfTheRingIsStale() {
        Nonces n = nonces(4, 0);
        String first = n.create(null);
        for (int i = 0; i < 4; i++) {
            n.create(null);
        }
        assertThat(n.check(first, null, "00000001")).isEqualTo(4);
    }

    @Test
    void aOneTimeNonceIsAcceptedOnce() {
        Nonces n = nonces(0, 1024);
        String nonce = n.create(null);
        assertThat(n.check(nonce, null, null)).isZero();
        assertThat(n.check(nonce, null, null)).isEqualTo(6);
    }
}
