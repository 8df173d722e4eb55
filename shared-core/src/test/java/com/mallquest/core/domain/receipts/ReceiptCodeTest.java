package com.mallquest.core.domain.receipts;

import com.mallquest.core.platform.errors.DomainException;
import com.mallquest.core.domain.stores.StoreKey;
import com.mallquest.core.testing.WeakEd25519Keys;
import com.mallquest.local.services.DevReceiptSigner;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The receipt-code verifier on its own: every way a code is refused has its own code. */
class ReceiptCodeTest {

    private static final Instant AT = Instant.parse("2026-11-25T10:00:00Z");
    private final KeyPair zara = DevReceiptSigner.generate();
    private final KeyPair hm = DevReceiptSigner.generate();
    private final Map<String, StoreKey> keys = new HashMap<>();

    ReceiptCodeTest() {
        keys.put("zara-1", new StoreKey("zara-1", "zara", DevReceiptSigner.x(zara.getPublic()), AT, null));
        keys.put("hm-1", new StoreKey("hm-1", "hm", DevReceiptSigner.x(hm.getPublic()), AT, null));
    }

    private ReceiptCode.SignedReceipt verify(String code) {
        return ReceiptCode.verify(code, kid -> Optional.ofNullable(keys.get(kid)));
    }

    private static String payload(String storeId, String receiptId, String amount) {
        return DevReceiptSigner.payload(storeId, receiptId, new BigDecimal(amount), AT, null);
    }

    private static String b64(String json) {
        return DevReceiptSigner.base64url(json.getBytes(StandardCharsets.UTF_8));
    }

    private void assertRefused(String code, DomainException.Kind kind, String errorCode) {
        DomainException e = assertThrows(DomainException.class, () -> verify(code), errorCode);
        assertEquals(errorCode, e.code(), e.getMessage());
        assertEquals(kind, e.kind(), errorCode);
    }

    @Test
    void verify_shouldReturnExactlyWhatTheStoreSigned_whenTheCodeIsValid() {
        // GIVEN a code zara's till signed, with the optional members
        String payload = "{\"storeId\":\"zara\",\"receiptId\":\"R-1\",\"amount\":125.50,\"purchasedAt\":\"2026-11-25T11:00:00+01:00\","
                + "\"registerId\":\"till-3\",\"currency\":\"EUR\",\"iat\":1795600000}";
        String code = DevReceiptSigner.signPayload("zara-1", zara.getPrivate(), payload);
        // WHEN verified
        ReceiptCode.SignedReceipt signed = verify(code);
        // THEN the receipt is the signed one, the offset time read as an instant
        assertEquals(new ReceiptSubmission("R-1", "zara", new BigDecimal("125.50"), AT), signed.receipt());
        assertEquals("zara-1", signed.kid());
        assertEquals("till-3", signed.registerId());
        assertEquals("EUR", signed.currency());
        assertEquals(Instant.ofEpochSecond(1795600000), signed.issuedAt());
    }

    @Test
    void verify_shouldRefuseAForgedSignature() {
        // GIVEN zara's payload signed by a key that is not zara's, under zara's kid
        String forged = DevReceiptSigner.signPayload("zara-1", DevReceiptSigner.generate().getPrivate(), payload("zara", "R-1", "10"));
        assertRefused(forged, DomainException.Kind.REJECTED, "receipt_signature_invalid");
        // AND 64 random bytes as the signature
        String[] parts = forged.split("\\.");
        byte[] random = new byte[64];
        new java.util.Random(7).nextBytes(random);
        assertRefused(parts[0] + "." + parts[1] + "." + DevReceiptSigner.base64url(random), DomainException.Kind.REJECTED, "receipt_signature_invalid");
    }

    @Test
    void verify_shouldRefuseATamperedPayload() {
        // GIVEN a valid code whose payload is swapped for a larger amount (signature kept)
        String[] parts = DevReceiptSigner.signPayload("zara-1", zara.getPrivate(), payload("zara", "R-1", "10")).split("\\.");
        String tampered = parts[0] + "." + b64(payload("zara", "R-1", "1000")) + "." + parts[2];
        assertRefused(tampered, DomainException.Kind.REJECTED, "receipt_signature_invalid");
        // AND the same with the header's kid swapped to another key of the same store's... (a tampered header)
        String header = b64("{\"alg\":\"EdDSA\",\"kid\":\"zara-1\",\"typ\":\"JWT\"}");
        assertRefused(header + "." + parts[1] + "." + parts[2], DomainException.Kind.REJECTED, "receipt_signature_invalid");
    }

    @Test
    void verify_shouldRefuseAnUnknownKid() {
        String code = DevReceiptSigner.signPayload("nobody-1", zara.getPrivate(), payload("zara", "R-1", "10"));
        assertRefused(code, DomainException.Kind.REJECTED, "receipt_key_unknown");
    }

    @Test
    void verify_shouldRefuseCodesOfAStoredWeakKey_whoseConstantSignatureVerifiesForAnyPayload() {
        // GIVEN the forger's constant signature: R = the identity, S = 0 ([0]B = R + [k]A for every k when [8]A is the identity)
        byte[] constant = new byte[64];
        constant[0] = 1;
        for (String hex : WeakEd25519Keys.all()) {
            // AND a weak key stored before registration refused such keys
            keys.put("zara-weak", new StoreKey("zara-weak", "zara", WeakEd25519Keys.x(hex), AT, null));
            for (String amount : new String[] {"10", "1500.00"}) {
                String[] parts = DevReceiptSigner.signPayload("zara-weak", zara.getPrivate(), payload("zara", "R-1", amount)).split("\\.");
                // WHEN a code "signed" with it arrives THEN it is refused for its key, whatever the signature
                assertRefused(parts[0] + "." + parts[1] + "." + DevReceiptSigner.base64url(constant), DomainException.Kind.REJECTED, "receipt_key_weak");
                assertRefused(parts[0] + "." + parts[1] + "." + parts[2], DomainException.Kind.REJECTED, "receipt_key_weak");
            }
        }
    }

    @Test
    void verify_shouldRefuseAKeyOfAnotherStore() {
        // GIVEN H&M's till signs a receipt that claims to be zara's (a store minting another store's receipts)
        String code = DevReceiptSigner.signPayload("hm-1", hm.getPrivate(), payload("zara", "R-1", "10"));
        assertRefused(code, DomainException.Kind.REJECTED, "receipt_key_wrong_store");
    }

    @Test
    void verify_shouldRefuseARevokedKey() {
        keys.put("zara-1", new StoreKey("zara-1", "zara", DevReceiptSigner.x(zara.getPublic()), AT, AT.plusSeconds(60)));
        String code = DevReceiptSigner.signPayload("zara-1", zara.getPrivate(), payload("zara", "R-1", "10"));
        assertRefused(code, DomainException.Kind.REJECTED, "receipt_key_revoked");
    }

    @Test
    void verify_shouldRefuseAlgNoneAndEveryAlgButEdDSAAndEd25519() {
        String body = b64(payload("zara", "R-1", "10"));
        // alg none with an empty signature, and with a signature part
        assertRefused(b64("{\"alg\":\"none\",\"kid\":\"zara-1\"}") + "." + body + ".", DomainException.Kind.INVALID, "receipt_code_malformed");
        assertRefused(b64("{\"alg\":\"none\",\"kid\":\"zara-1\"}") + "." + body + ".AA", DomainException.Kind.REJECTED, "receipt_alg_refused");
        for (String alg : new String[] {"HS256", "RS256", "ES256", "Ed448", "ED25519", "ed25519", "eddsa", "EdDSA ", "Ed25519 "}) {
            String code = DevReceiptSigner.signWithHeader("{\"alg\":\"" + alg + "\",\"kid\":\"zara-1\"}", zara.getPrivate(), payload("zara", "R-1", "10"));
            assertRefused(code, DomainException.Kind.REJECTED, "receipt_alg_refused");
        }
    }

    @Test
    void verify_shouldRefuseMalformedCodes() {
        String valid = DevReceiptSigner.signPayload("zara-1", zara.getPrivate(), payload("zara", "R-1", "10"));
        String[] parts = valid.split("\\.");
        for (String code : new String[] {
                "", "not-a-code", parts[0] + "." + parts[1], valid + ".extra", parts[0] + "=." + parts[1] + "." + parts[2],
                b64("[1,2]") + "." + parts[1] + "." + parts[2],
                b64("{\"alg\":\"EdDSA\"}") + "." + parts[1] + "." + parts[2],
                b64("{\"alg\":\"EdDSA\",\"kid\":\"zara-1\",\"kid\":\"hm-1\"}") + "." + parts[1] + "." + parts[2],
                b64("{\"alg\":\"EdDSA\",\"kid\":\"zara-1\",\"crit\":[\"b64\"]}") + "." + parts[1] + "." + parts[2],
                b64("{\"alg\":\"Ed25519\",\"kid\":\"zara-1\",\"crit\":[\"exp\"],\"exp\":1}") + "." + parts[1] + "." + parts[2],
                parts[0] + "." + parts[1] + ".abcde", // a signature part no base64url can have (length 4n+1)
                parts[0] + "A." + parts[1] + "." + parts[2],
                b64("{\"alg\":\"EdDSA\",\"kid\":\"a b\"}") + "." + parts[1] + "." + parts[2],
                parts[0] + "." + b64("not json") + "." + parts[2],
                parts[0] + "." + b64("{\"storeId\":\"zara\",\"storeId\":\"hm\"}") + "." + parts[2],
                "x".repeat(ReceiptCode.MAX_LENGTH + 1)}) {
            assertRefused(code, DomainException.Kind.INVALID, "receipt_code_malformed");
        }
    }

    @Test
    void verify_shouldAcceptAlgEd25519AsWellAsEdDSA_whenSignedByTheJdksEd25519Signer() {
        // GIVEN the same payload signed by the JDK's Ed25519 signer under alg EdDSA (RFC 8037) and Ed25519 (RFC 9864)
        String payload = payload("zara", "R-1", "10");
        for (String alg : new String[] {"EdDSA", "Ed25519"}) {
            String code = DevReceiptSigner.signWithHeader("{\"alg\":\"" + alg + "\",\"kid\":\"zara-1\",\"typ\":\"JWT\"}", zara.getPrivate(), payload);
            // WHEN verified THEN both are the receipt zara signed
            assertEquals("R-1", verify(code).receipt().receiptId(), alg);
            // AND under either alg a forged signature stays refused
            String forged = DevReceiptSigner.signWithHeader("{\"alg\":\"" + alg + "\",\"kid\":\"zara-1\"}", hm.getPrivate(), payload);
            assertRefused(forged, DomainException.Kind.REJECTED, "receipt_signature_invalid");
        }
    }

    @Test
    void verify_shouldOnlyEverThrowADomainException_forRandomAndMutatedCodes() {
        // GIVEN valid codes (with the optional members) and a seeded random source
        java.util.Random random = new java.util.Random(20);
        String full = "{\"storeId\":\"zara\",\"receiptId\":\"R-1\",\"amount\":125.50,\"purchasedAt\":\"2026-11-25T11:00:00+01:00\","
                + "\"registerId\":\"till-3\",\"currency\":\"EUR\",\"iat\":1795600000}";
        String valid = DevReceiptSigner.signPayload("zara-1", zara.getPrivate(), full);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ \u00e9\u0000";
        String[] jsonBits = {"{", "}", "[", "]", "\"", ":", ",", "null", "true", "1e999999999", "-0", "9223372036854775808",
                "\"alg\"", "\"kid\"", "\"crit\"", "\"EdDSA\"", "\"Ed25519\"", "\"zara-1\"", "\"storeId\"", "\"zara\"",
                "\"amount\"", "\"iat\"", "\"purchasedAt\"", "\"\\ud800\"", "1.5", "[]", "{}"};
        int verified = 0;
        for (int i = 0; i < 1_200; i++) { // ~1 ms per Ed25519 signature and verification
            String code = switch (i % 6) {
                case 0 -> mutate(valid, random, alphabet);                                  // characters changed, dropped, added
                case 1 -> valid.substring(0, random.nextInt(valid.length() + 1));           // truncated anywhere
                case 2 -> randomString(random, alphabet, random.nextInt(200));              // noise
                case 3 -> b64(randomJson(random, jsonBits)) + "." + b64(randomJson(random, jsonBits)) + "." + randomString(random, alphabet, 86);
                case 4 -> DevReceiptSigner.signPayload("zara-1", zara.getPrivate(), mutate(full, random, "0123456789.eE+-\":,{}[]Zz"));
                default -> DevReceiptSigner.signWithHeader(randomJson(random, jsonBits), zara.getPrivate(), randomJson(random, jsonBits));
            };
            // WHEN verified THEN it is a receipt or a DomainException, never anything else (a 500)
            try {
                verify(code);
                verified++;
            } catch (DomainException expected) {
                assertEquals(true, expected.kind() == DomainException.Kind.INVALID || expected.kind() == DomainException.Kind.REJECTED, code);
            } catch (RuntimeException e) {
                throw new AssertionError("code #" + i + " '" + code + "' threw " + e, e);
            }
        }
        // AND the fuzzing is not all noise: some mutated payloads still verified (a receipt-shaped JSON that was signed)
        assertEquals(true, verified > 0, "verified " + verified);
    }

    private static String mutate(String text, java.util.Random random, String alphabet) {
        StringBuilder s = new StringBuilder(text);
        for (int n = 1 + random.nextInt(3); n > 0 && s.length() > 0; n--) {
            int at = random.nextInt(s.length());
            switch (random.nextInt(3)) {
                case 0 -> s.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                case 1 -> s.deleteCharAt(at);
                default -> s.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
            }
        }
        return s.toString();
    }

    private static String randomString(java.util.Random random, String alphabet, int length) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
            s.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return s.toString();
    }

    private static String randomJson(java.util.Random random, String[] bits) {
        StringBuilder s = new StringBuilder("{");
        for (int i = random.nextInt(8); i > 0; i--) {
            s.append(bits[random.nextInt(bits.length)]);
        }
        return s.append(random.nextBoolean() ? "}" : "").toString();
    }

    @Test
    void verify_shouldRefuseASignedPayloadThatBreaksTheReceiptRules() {
        for (String payload : new String[] {
                "{\"storeId\":\"zara\",\"receiptId\":\"R-1\",\"amount\":\"10\",\"purchasedAt\":\"2026-11-25T10:00:00Z\"}",
                "{\"storeId\":\"zara\",\"receiptId\":\"R-1\",\"amount\":10.001,\"purchasedAt\":\"2026-11-25T10:00:00Z\"}",
                "{\"storeId\":\"zara\",\"receiptId\":\"R 1\",\"amount\":10,\"purchasedAt\":\"2026-11-25T10:00:00Z\"}",
                "{\"storeId\":\"zara\",\"receiptId\":\"R-1\",\"amount\":10,\"purchasedAt\":\"2026-11-25T10:00:00\"}",
                "{\"storeId\":\"zara\",\"receiptId\":\"R-1\",\"amount\":10,\"purchasedAt\":\"2026-11-25T10:00:00Z\",\"userId\":\"bob\"}",
                "{\"storeId\":\"zara\",\"amount\":10,\"purchasedAt\":\"2026-11-25T10:00:00Z\"}",
                "{\"storeId\":\"zara\",\"receiptId\":\"R-1\",\"amount\":10,\"purchasedAt\":\"2026-11-25T10:00:00Z\",\"iat\":9223372036854775807}",
                "{\"storeId\":\"zara\",\"receiptId\":\"R-1\",\"amount\":1e999999999,\"purchasedAt\":\"2026-11-25T10:00:00Z\"}"}) {
            String code = DevReceiptSigner.signPayload("zara-1", zara.getPrivate(), payload);
            assertRefused(code, DomainException.Kind.INVALID, "receipt_payload_invalid");
        }
        // AND a payload without storeId cannot even name its key's store
        assertRefused(DevReceiptSigner.signPayload("zara-1", zara.getPrivate(), "{\"receiptId\":\"R-1\"}"),
                DomainException.Kind.INVALID, "receipt_payload_invalid");
    }

    @Test
    void verify_shouldAcceptTheWorkedExampleOfTheDocs() {
        // GIVEN the worked example of docs/receipts.md: zara-dev-1 of the local seed signs R-1001 for 125.50
        DevReceiptSigner dev = DevReceiptSigner.load(com.mallquest.local.services.RepositoryRoot.locate());
        DevReceiptSigner.DevKey key = dev.key("zara");
        String header = "{\"alg\":\"EdDSA\",\"kid\":\"zara-dev-1\"}";
        String payload = "{\"storeId\":\"zara\",\"receiptId\":\"R-1001\",\"amount\":125.50,\"purchasedAt\":\"2026-12-01T09:30:00Z\"}";
        String code = DevReceiptSigner.signWithHeader(header, key.privateKey(), payload);
        // THEN Ed25519 is deterministic: the bytes are the ones the doc prints
        assertEquals(WorkedExample.CODE, code);
        Map<String, StoreKey> devKeys = Map.of("zara-dev-1", new StoreKey("zara-dev-1", "zara", key.x(), AT, null));
        assertEquals("R-1001", ReceiptCode.verify(code, kid -> Optional.ofNullable(devKeys.get(kid))).receipt().receiptId());
        assertEquals(WorkedExample.SIGNATURE_HEX, java.util.HexFormat.of().formatHex(Base64.getUrlDecoder().decode(code.split("\\.")[2])));
    }

    /** The bytes printed in docs/receipts.md ("A worked example"). */
    static final class WorkedExample {
        static final String CODE = "eyJhbGciOiJFZERTQSIsImtpZCI6InphcmEtZGV2LTEifQ"
                + ".eyJzdG9yZUlkIjoiemFyYSIsInJlY2VpcHRJZCI6IlItMTAwMSIsImFtb3VudCI6MTI1LjUwLCJwdXJjaGFzZWRBdCI6IjIwMjYtMTItMDFUMDk6MzA6MDBaIn0"
                + ".ZeSmnTlaA-yo0ZCfdDEB1q9Q2CMAAzElAAcJ37nhmieJ8DRkZRMjqIF9CDdt0zlMPiXUXA17-j2iU75d_uhLDA";
        static final String SIGNATURE_HEX = "65e4a69d395a03eca8d1909f743101d6af50d82300033125000709dfb9e19a2789f03464651323a8817d08376dd3394c3e25d45c0d7bfa3da253be5dfee84b0c";
    }
}
