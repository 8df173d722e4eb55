package com.mallquest.core.domain.stores;

import com.mallquest.core.platform.errors.DomainException;

/**
 * The body of {@code PUT /admin/stores/{storeId}/keys/{kid}}: a public JWK, {@code {"kty":"OKP","crv":"Ed25519","x":…}}.
 * {@code kid} (the path's), {@code alg} ({@code EdDSA} of RFC 8037 or {@code Ed25519} of RFC 9864) and {@code use}
 * ({@code sig}) may come along as JWKs usually carry them;
 * a JWK holding a private part ({@code d}) is refused: the backend must never see a store's private key. A key that is
 * not canonical, no point of the curve or of small order is refused ({@code weak_key}, {@link Ed25519PublicKeys}).
 * {@code "development": true} marks a key of the local development seed (its private half is published): only a
 * local stack takes one ({@link StoreKeys#register}).
 */
public record StoreKeyRequest(String kty, String crv, String x, String d, String kid, String alg, String use, Boolean development) {

    public StoreKeyRequest {
        if (d != null) {
            throw DomainException.invalid("private_key_refused",
                    "This JWK holds a private key ('d'); send the public key only and keep the private key on the till", "d");
        }
        if (!StoreKey.KTY.equals(kty)) {
            throw DomainException.invalid("kty", "kty must be \"OKP\"");
        }
        if (!StoreKey.CRV.equals(crv)) {
            throw DomainException.invalid("crv", "crv must be \"Ed25519\"");
        }
        byte[] raw;
        try {
            raw = StoreKey.rawBytes(x);
            StoreKey.publicKey(raw);
        } catch (IllegalArgumentException e) {
            throw DomainException.invalid("x", e.getMessage());
        }
        Ed25519PublicKeys.weakness(raw).ifPresent(why -> {
            throw DomainException.invalid("weak_key", "This public key is refused: " + why, "x");
        });
        if (alg != null && !StoreKey.ALGS.contains(alg)) {
            throw DomainException.invalid("alg", "alg must be \"EdDSA\" or \"Ed25519\" when given");
        }
        if (use != null && !use.equals("sig")) {
            throw DomainException.invalid("use", "use must be \"sig\" when given");
        }
    }

    /** A key that is not marked as development data. */
    public StoreKeyRequest(String kty, String crv, String x, String d, String kid, String alg, String use) {
        this(kty, crv, x, d, kid, alg, use, null);
    }

    /** True when the key is marked as development data. */
    public boolean isDevelopment() {
        return Boolean.TRUE.equals(development);
    }
}
