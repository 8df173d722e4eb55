package com.mallquest.core.domain.stores;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One public key of a store: an Ed25519 key (RFC 8037 JWK {@code {"kty":"OKP","crv":"Ed25519","x":…}}) that
 * verifies the store's receipt codes. The backend keeps public keys only, so it can never mint a receipt.
 *
 * @param kid       the key id a code names in its header; one namespace for the whole mall
 * @param storeId   the store whose receipts the key signs
 * @param x         base64url (no padding) of the 32 raw public-key bytes
 * @param createdAt when the key was registered
 * @param revokedAt when it was revoked (codes signed with it are refused from then on); null while active
 * @param development true for a key of the local development seed, whose private half is published: never trusted
 *                    outside local mode's data
 */
public record StoreKey(String kid, String storeId, String x, Instant createdAt, Instant revokedAt, boolean development) {

    public static final String KTY = "OKP";
    public static final String CRV = "Ed25519";
    /** The JOSE names of its signature algorithm: RFC 8037's {@code EdDSA} and RFC 9864's fully specified {@code Ed25519}. */
    public static final Set<String> ALGS = Set.of("EdDSA", "Ed25519");
    /** The shape of a key id: 1..64 of {@code [A-Za-z0-9._-]}. */
    public static final Pattern KID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    /** The DER prefix of an X.509 SubjectPublicKeyInfo for Ed25519 (OID 1.3.101.112), before the 32 raw bytes. */
    private static final byte[] X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    public StoreKey {
        Objects.requireNonNull(kid, "kid");
        Objects.requireNonNull(storeId, "storeId");
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** A key of a real store (not development data). */
    public StoreKey(String kid, String storeId, String x, Instant createdAt, Instant revokedAt) {
        this(kid, storeId, x, createdAt, revokedAt, false);
    }

    public boolean revoked() {
        return revokedAt != null;
    }

    /** {@code active} or {@code revoked}. */
    public String status() {
        return revoked() ? "revoked" : "active";
    }

    /** The public JWK. */
    public Map<String, String> jwk() {
        Map<String, String> jwk = new LinkedHashMap<>();
        jwk.put("kty", KTY);
        jwk.put("crv", CRV);
        jwk.put("x", x);
        return jwk;
    }

    /**
     * Why this key must not verify anything, or empty when it may: its {@code x} is no 32 bytes, not canonical, no
     * point of the curve, or of small order ({@link Ed25519PublicKeys}).
     */
    public Optional<String> weakness() {
        try {
            return Ed25519PublicKeys.weakness(rawBytes(x));
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** The key as the JDK's verifier takes it. */
    public PublicKey publicKey() {
        return publicKey(rawBytes(x));
    }

    /** The 32 raw bytes of {@code x}; {@link IllegalArgumentException} when it is no base64url of exactly 32 bytes. */
    public static byte[] rawBytes(String x) {
        if (x == null || !x.matches("[A-Za-z0-9_-]{43}")) {
            throw new IllegalArgumentException("x must be the base64url (no padding) of the 32 raw Ed25519 public-key bytes");
        }
        byte[] raw = Base64.getUrlDecoder().decode(x);
        if (raw.length != 32) {
            throw new IllegalArgumentException("x must decode to 32 bytes, got " + raw.length);
        }
        return raw;
    }

    /** An Ed25519 public key from its 32 raw bytes (RFC 8032 encoding). */
    public static PublicKey publicKey(byte[] raw) {
        byte[] der = new byte[X509_PREFIX.length + raw.length];
        System.arraycopy(X509_PREFIX, 0, der, 0, X509_PREFIX.length);
        System.arraycopy(raw, 0, der, X509_PREFIX.length, raw.length);
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an Ed25519 public key: " + e.getMessage(), e);
        }
    }
}
