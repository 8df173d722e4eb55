package com.mallquest.core.domain.receipts;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.mallquest.core.platform.errors.DomainException;
import com.mallquest.core.domain.stores.StoreKey;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A receipt code: the compact JWS (RFC 7515) a till prints as a QR code, signed with Ed25519 (alg {@code EdDSA} of
 * RFC 8037, or its fully specified name {@code Ed25519} of RFC 9864).
 *
 * <pre>
 * BASE64URL({"alg":"EdDSA","kid":"zara-dev-1"}) . BASE64URL({"storeId":"zara","receiptId":"R-1","amount":125.50,
 *     "purchasedAt":"2026-12-01T09:30:00Z"}) . BASE64URL(Ed25519 signature over the ASCII of the first two parts)
 * </pre>
 *
 * {@link #verify} checks, in this order, each failure with its own code (nothing is credited for any of them):
 * <ol>
 *   <li>the shape: three unpadded base64url parts that decode, header and payload JSON objects without duplicate
 *       members, no {@code crit} (this verifier understands no extension, RFC 7515 §4.1.11), a {@code kid}: else 400
 *       {@code receipt_code_malformed};</li>
 *   <li>{@code alg} is {@code EdDSA} or {@code Ed25519}, exactly so spelled (never {@code none}, never an HMAC or RSA
 *       alg): else 422 {@code receipt_alg_refused}; both name Ed25519 here, the only curve a store key can have;</li>
 *   <li>the key: known (422 {@code receipt_key_unknown}), of the payload's {@code storeId} (422
 *       {@code receipt_key_wrong_store}), not revoked (422 {@code receipt_key_revoked}), not weak (422
 *       {@code receipt_key_weak}: small order or non-canonical, under which a constant signature verifies any
 *       payload; registration refuses such keys, this refuses any stored before it did);</li>
 *   <li>the signature over {@code header.payload} (the bytes as sent): else 422 {@code receipt_signature_invalid}
 *       (a forged signature and a tampered header or payload are one and the same fact to a verifier);</li>
 *   <li>the payload's fields ({@link ReceiptSubmission}'s rules; {@code registerId}, {@code currency}, {@code iat}
 *       optional; nothing else): else 400 {@code receipt_payload_invalid}.</li>
 * </ol>
 * The receipt's claim key is exactly the signed {@code storeId} and {@code receiptId}: nothing outside the signature
 * names the store.
 */
public final class ReceiptCode {

    /** Longer than any honest code (a QR code holds at most ~2,900 bytes). */
    public static final int MAX_LENGTH = 2048;
    private static final Pattern PART = Pattern.compile("[A-Za-z0-9_-]+");
    private static final Pattern REGISTER_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");
    private static final Set<String> PAYLOAD_FIELDS = Set.of("storeId", "receiptId", "amount", "purchasedAt", "registerId", "currency", "iat");
    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true)) // 125.50 stays 125.50
            .build();

    private ReceiptCode() { }

    /** Where {@link #verify} finds a key by its id (the stores' key registry, cached). */
    @FunctionalInterface
    public interface KeyLookup {
        Optional<StoreKey> find(String kid);
    }

    /**
     * A verified code: what the store signed.
     *
     * @param kid        the key that signed it
     * @param receipt    store, receipt id, amount and purchase time, exactly as signed
     * @param registerId the till, when the store said
     * @param currency   ISO 4217, when the store said
     * @param issuedAt   {@code iat}, when the store said
     */
    public record SignedReceipt(String kid, ReceiptSubmission receipt, String registerId, String currency, Instant issuedAt) { }

    /** Verifies {@code code} against the keys of {@code keys}; see the class for the checks and their codes. */
    public static SignedReceipt verify(String code, KeyLookup keys) {
        if (code == null || code.isBlank()) {
            throw malformed("code is empty");
        }
        if (code.length() > MAX_LENGTH) {
            throw malformed("code is longer than " + MAX_LENGTH + " characters");
        }
        String[] parts = code.split("\\.", -1);
        if (parts.length != 3) {
            throw malformed("a receipt code is a compact JWS: three base64url parts separated by '.'");
        }
        for (String part : parts) {
            if (!PART.matcher(part).matches()) {
                throw malformed("each part of the code must be unpadded base64url");
            }
        }
        byte[] signature = base64url(parts[2], "signature");
        JsonNode header = object(parts[0], "header");
        JsonNode alg = header.get("alg");
        if (alg == null || !alg.isTextual()) {
            throw malformed("the header has no alg");
        }
        if (header.has("crit")) {
            throw malformed("the header names critical extensions (crit), which this verifier does not understand");
        }
        JsonNode kidNode = header.get("kid");
        if (kidNode == null || !kidNode.isTextual() || !StoreKey.KID.matcher(kidNode.asText()).matches()) {
            throw malformed("the header needs a kid of 1 to 64 letters, digits, '.', '_' or '-'");
        }
        if (!StoreKey.ALGS.contains(alg.asText())) {
            throw DomainException.rejected("receipt_alg_refused",
                    "Receipt codes are signed with Ed25519 (alg EdDSA or Ed25519); alg '" + excerpt(alg.asText()) + "' is refused", "code");
        }
        String kid = kidNode.asText();
        JsonNode payload = object(parts[1], "payload");
        JsonNode storeIdNode = payload.get("storeId");
        if (storeIdNode == null || !storeIdNode.isTextual()) {
            throw payloadInvalid("the payload has no storeId");
        }
        String storeId = storeIdNode.asText();

        StoreKey key = keys.find(kid).orElseThrow(() -> DomainException.rejected("receipt_key_unknown",
                "No store key has the id '" + kid + "'", "code"));
        if (!key.storeId().equals(storeId)) {
            throw DomainException.rejected("receipt_key_wrong_store",
                    "Key '" + kid + "' does not sign receipts of store '" + excerpt(storeId) + "'", "code");
        }
        if (key.revoked()) {
            throw DomainException.rejected("receipt_key_revoked",
                    "Key '" + kid + "' was revoked; receipts signed with it are no longer accepted", "code");
        }
        if (key.weakness().isPresent()) { // stored before registration refused such keys: trust nothing it "signed"
            throw DomainException.rejected("receipt_key_weak", "Key '" + kid + "' is not a safe Ed25519 public key ("
                    + key.weakness().get() + "); receipts signed with it are refused", "code");
        }
        if (signature.length != 64 || !signatureValid(key, parts[0] + "." + parts[1], signature)) {
            throw DomainException.rejected("receipt_signature_invalid",
                    "The code's signature does not match its content and key '" + kid + "'", "code");
        }
        return signedReceipt(kid, payload);
    }

    private static boolean signatureValid(StoreKey key, String signingInput, byte[] signature) {
        try {
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(key.publicKey());
            verifier.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return verifier.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false; // e.g. a signature whose scalar is out of range: not a valid signature
        }
    }

    private static SignedReceipt signedReceipt(String kid, JsonNode payload) {
        for (Iterator<String> names = payload.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!PAYLOAD_FIELDS.contains(name)) {
                throw payloadInvalid("the payload has an unknown member '" + excerpt(name) + "'");
            }
        }
        String receiptId = text(payload, "receiptId", true);
        JsonNode amountNode = payload.get("amount");
        if (amountNode == null || !amountNode.isNumber()) {
            throw payloadInvalid("amount must be a JSON number");
        }
        BigDecimal amount = amountNode.decimalValue();
        String purchasedAtText = text(payload, "purchasedAt", true);
        Instant purchasedAt;
        try {
            purchasedAt = OffsetDateTime.parse(purchasedAtText).toInstant();
        } catch (DateTimeParseException e) {
            throw payloadInvalid("purchasedAt must be ISO-8601 with a zone, e.g. 2026-12-01T09:30:00Z");
        }
        String registerId = text(payload, "registerId", false);
        if (registerId != null && !REGISTER_ID.matcher(registerId).matches()) {
            throw payloadInvalid("registerId must be 1 to 64 letters, digits, '.', '_' or '-'");
        }
        String currency = text(payload, "currency", false);
        if (currency != null && !CURRENCY.matcher(currency).matches()) {
            throw payloadInvalid("currency must be an ISO 4217 code such as EUR");
        }
        Instant issuedAt = null;
        JsonNode iat = payload.get("iat");
        if (iat != null) {
            if (!iat.canConvertToExactIntegral() || !iat.canConvertToLong()) {
                throw payloadInvalid("iat must be whole seconds since the epoch");
            }
            try {
                issuedAt = Instant.ofEpochSecond(iat.longValue());
            } catch (DateTimeException e) {
                throw payloadInvalid("iat is out of range");
            }
        }
        ReceiptSubmission receipt;
        try {
            receipt = new ReceiptSubmission(receiptId, payload.get("storeId").asText(), amount, purchasedAt);
        } catch (DomainException e) {
            throw payloadInvalid(e.getMessage());
        }
        return new SignedReceipt(kid, receipt, registerId, currency, issuedAt);
    }

    private static String text(JsonNode payload, String name, boolean required) {
        JsonNode node = payload.get(name);
        if (node == null) {
            if (required) {
                throw payloadInvalid("the payload has no " + name);
            }
            return null;
        }
        if (!node.isTextual()) {
            throw payloadInvalid(name + " must be a string");
        }
        return node.asText();
    }

    private static byte[] base64url(String part, String what) {
        try {
            return Base64.getUrlDecoder().decode(part);
        } catch (IllegalArgumentException e) { // e.g. a length of 4n+1 characters, which no byte string encodes to
            throw malformed("the " + what + " is not base64url");
        }
    }

    private static JsonNode object(String part, String what) {
        byte[] json = base64url(part, what);
        try {
            JsonNode node = STRICT.readTree(json);
            if (node == null || !node.isObject()) {
                throw malformed("the " + what + " must be a JSON object");
            }
            return node;
        } catch (IOException | IllegalArgumentException e) { // IllegalArgumentException: e.g. a number's exponent overflows
            throw malformed("the " + what + " is not a JSON object without duplicate members");
        }
    }

    private static DomainException malformed(String why) {
        return DomainException.invalid("receipt_code_malformed", "The receipt code cannot be read: " + why, "code");
    }

    private static DomainException payloadInvalid(String why) {
        return DomainException.invalid("receipt_payload_invalid", "The signed receipt is not valid: " + why, "code");
    }

    private static String excerpt(String value) {
        return value.length() <= 40 ? value : value.substring(0, 40) + "…";
    }
}
