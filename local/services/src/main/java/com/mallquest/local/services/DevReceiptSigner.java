package com.mallquest.local.services;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Signs receipt codes the way a store's till does (compact JWS, EdDSA over Ed25519), with the DEVELOPMENT key pairs of
 * {@value #KEYS_FILE}, for local runs ({@code ./mallquest receipt}) and tests. Those private keys are public
 * knowledge: they exist so a laptop can mint receipts for the local seed's stores, and the production stack never
 * registers their public halves. This class is part of the local tooling; no function jar contains it.
 *
 * <pre>{@code
 * DevReceiptSigner signer = DevReceiptSigner.load(RepositoryRoot.locate());
 * String code = signer.sign("zara", "R-1", new BigDecimal("125.50"), Instant.now(), null);
 * }</pre>
 */
public final class DevReceiptSigner {

    /** The development key pairs, relative to the repository root. */
    public static final String KEYS_FILE = "local/seed/DEV-ONLY-receipt-signing-keys.json";
    private static final byte[] PKCS8_PREFIX = HexFormat.of().parseHex("302e020100300506032b657004220420");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One store's development key: its id, store, and the private key that signs. */
    public record DevKey(String kid, String storeId, String x, PrivateKey privateKey) { }

    private final Map<String, DevKey> byStore;

    private DevReceiptSigner(Map<String, DevKey> byStore) {
        this.byStore = byStore;
    }

    /** The development keys of the repository at {@code root}. */
    public static DevReceiptSigner load(Path root) {
        Path file = root.resolve(KEYS_FILE);
        try {
            JsonNode keys = JSON.readTree(Files.readAllBytes(file)).get("keys");
            Map<String, DevKey> byStore = new LinkedHashMap<>();
            for (JsonNode key : keys) {
                byStore.put(key.get("storeId").asText(), new DevKey(key.get("kid").asText(), key.get("storeId").asText(),
                        key.get("x").asText(), privateKey(Base64.getUrlDecoder().decode(key.get("d").asText()))));
            }
            return new DevReceiptSigner(byStore);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the development receipt keys " + file, e);
        }
    }

    /** The development key of {@code storeId}; {@link IllegalArgumentException} when the seed has none. */
    public DevKey key(String storeId) {
        DevKey key = byStore.get(storeId);
        if (key == null) {
            throw new IllegalArgumentException("The local seed has no signing key for store '" + storeId + "' (stores: "
                    + String.join(", ", byStore.keySet()) + ")");
        }
        return key;
    }

    /** Every development key, by store. */
    public Map<String, DevKey> keys() {
        return Map.copyOf(byStore);
    }

    /**
     * A receipt code of {@code storeId} signed with its development key: payload
     * {@code {"storeId","receiptId","amount","purchasedAt","iat"?}}.
     *
     * @param issuedAt the {@code iat} to sign in; null for none
     */
    public String sign(String storeId, String receiptId, BigDecimal amount, Instant purchasedAt, Instant issuedAt) {
        DevKey key = key(storeId);
        return signPayload(key.kid(), key.privateKey(), payload(storeId, receiptId, amount, purchasedAt, issuedAt));
    }

    /** The payload JSON a till would sign, members in this order; the amount exactly as given ({@code 125.50}). */
    public static String payload(String storeId, String receiptId, BigDecimal amount, Instant purchasedAt, Instant issuedAt) {
        return "{\"storeId\":" + quote(storeId) + ",\"receiptId\":" + quote(receiptId) + ",\"amount\":" + amount.toPlainString()
                + ",\"purchasedAt\":" + quote(purchasedAt.toString()) + (issuedAt == null ? "" : ",\"iat\":" + issuedAt.getEpochSecond()) + "}";
    }

    /** A compact JWS of {@code payloadJson} with header {@code {"alg":"EdDSA","kid":…}}, signed by {@code key}. */
    public static String signPayload(String kid, PrivateKey key, String payloadJson) {
        return signWithHeader("{\"alg\":\"EdDSA\",\"kid\":" + quote(kid) + "}", key, payloadJson);
    }

    /** A compact JWS with any header (tests use it for {@code alg} values a verifier must refuse). */
    public static String signWithHeader(String headerJson, PrivateKey key, String payloadJson) {
        String signingInput = base64url(headerJson.getBytes(StandardCharsets.UTF_8)) + "."
                + base64url(payloadJson.getBytes(StandardCharsets.UTF_8));
        try {
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(key);
            signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + base64url(signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    /** A fresh Ed25519 key pair. */
    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no Ed25519", e);
        }
    }

    /** The JWK {@code x} of a public key: base64url of its 32 raw bytes (the tail of the X.509 encoding). */
    public static String x(PublicKey key) {
        byte[] encoded = key.getEncoded();
        return base64url(Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length));
    }

    /** The JWK {@code d} of a private key: base64url of its 32-byte seed (the tail of the PKCS#8 encoding). */
    public static String d(PrivateKey key) {
        byte[] encoded = key.getEncoded();
        return base64url(Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length));
    }

    /** An Ed25519 private key from its 32-byte seed (RFC 8032). */
    public static PrivateKey privateKey(byte[] seed) {
        byte[] der = new byte[PKCS8_PREFIX.length + seed.length];
        System.arraycopy(PKCS8_PREFIX, 0, der, 0, PKCS8_PREFIX.length);
        System.arraycopy(seed, 0, der, PKCS8_PREFIX.length, seed.length);
        try {
            return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an Ed25519 private key seed", e);
        }
    }

    public static String base64url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String quote(String value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
