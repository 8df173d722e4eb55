package com.mallquest.core.testing;

import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * Ed25519 public keys no verifier may trust, as the 32-byte encodings of RFC 8032 (hex): the 8 points of small order
 * (libsodium's blocklist) and encodings RFC 8032 §5.1.3 refuses to decode.
 */
public final class WeakEd25519Keys {

    /** The identity, the point of order 2, the two of order 4 and the four of order 8 (canonical encodings). */
    public static final List<String> SMALL_ORDER = List.of(
            "0100000000000000000000000000000000000000000000000000000000000000",  // identity (0, 1): "AQAA...A"
            "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  // (0, -1), order 2
            "0000000000000000000000000000000000000000000000000000000000000000",  // (sqrt(-1), 0), order 4
            "0000000000000000000000000000000000000000000000000000000000000080",  // (-sqrt(-1), 0), order 4
            "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",  // order 8
            "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",  // order 8
            "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",  // order 8
            "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa"); // order 8

    /** y = p and y = p + 1 (non-canonical), y = 2^255 - 1, and the identity with the sign bit of x = 0 set. */
    public static final List<String> NOT_CANONICAL = List.of(
            "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
            "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
            "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
            "0100000000000000000000000000000000000000000000000000000000000080");

    private WeakEd25519Keys() { }

    /** Every weak encoding of this class. */
    public static List<String> all() {
        return java.util.stream.Stream.concat(SMALL_ORDER.stream(), NOT_CANONICAL.stream()).toList();
    }

    /** The JWK {@code x} of an encoding: base64url without padding. */
    public static String x(String hex) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(HexFormat.of().parseHex(hex));
    }
}
