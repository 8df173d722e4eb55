package com.mallquest.core.domain.stores;

import java.math.BigInteger;
import java.util.Optional;

/**
 * The RFC 8032 checks a verifier needs before it trusts an Ed25519 public key: the 32 bytes must be the canonical
 * encoding of a point of the curve, and the point must not have small order.
 *
 * <p>A small-order key (one of the 8 torsion points, the identity {@code AQAA…A} among them) lets one constant
 * signature verify for any message under the cofactorless equation the JDK uses ({@code [S]B = R + [k]A}: with
 * {@code [8]A} the identity, {@code R = [S]B} works for every {@code k}), so whoever registers such a key can mint any
 * receipt. A non-canonical {@code y} ({@code y >= p}) names a point twice, which RFC 8032 §5.1.3 refuses to decode.
 * Decoding follows RFC 8032 §5.1.3; the order test doubles the point three times with the complete twisted Edwards
 * addition law (affine, {@code a = -1}) and compares with the identity {@code (0, 1)}. Plain {@link BigInteger}
 * arithmetic over {@code p = 2^255 - 19}: registration and verification check one key at a time.
 */
public final class Ed25519PublicKeys {

    private static final BigInteger P = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));
    /** d = -121665 / 121666 mod p. */
    private static final BigInteger D = BigInteger.valueOf(-121665).multiply(BigInteger.valueOf(121666).modInverse(P)).mod(P);
    /** A square root of -1 mod p: 2^((p-1)/4). */
    private static final BigInteger SQRT_M1 = BigInteger.TWO.modPow(P.subtract(BigInteger.ONE).shiftRight(2), P);
    private static final BigInteger P_PLUS_3_OVER_8 = P.add(BigInteger.valueOf(3)).shiftRight(3);

    private Ed25519PublicKeys() { }

    /**
     * Why the 32 raw bytes of an Ed25519 public key must not be trusted, or empty when they may be: not canonical
     * ({@code y >= p}), no point of the curve, or a point of small order.
     */
    public static Optional<String> weakness(byte[] raw) {
        if (raw == null || raw.length != 32) {
            return Optional.of("an Ed25519 public key is 32 bytes");
        }
        byte[] bigEndian = new byte[32];
        for (int i = 0; i < 32; i++) {
            bigEndian[i] = raw[31 - i];
        }
        boolean xOdd = (bigEndian[0] & 0x80) != 0;
        bigEndian[0] &= 0x7f;
        BigInteger y = new BigInteger(1, bigEndian);
        if (y.compareTo(P) >= 0) {
            return Optional.of("the key is not canonically encoded (y is not below 2^255 - 19)");
        }
        BigInteger x = recoverX(y, xOdd);
        if (x == null) {
            return Optional.of("the key is not a point of the Ed25519 curve");
        }
        BigInteger[] point = {x, y};
        for (int i = 0; i < 3; i++) {
            point = add(point, point);
        }
        if (point[0].signum() == 0 && point[1].equals(BigInteger.ONE)) {
            return Optional.of("the key is a point of small order, under which one signature verifies for any receipt");
        }
        return Optional.empty();
    }

    /** x from y and its parity (RFC 8032 §5.1.3 steps 2-4), or null when no such point exists. */
    private static BigInteger recoverX(BigInteger y, boolean odd) {
        BigInteger y2 = y.multiply(y).mod(P);
        BigInteger u = y2.subtract(BigInteger.ONE).mod(P);
        BigInteger v = D.multiply(y2).add(BigInteger.ONE).mod(P);
        BigInteger x2 = u.multiply(v.modInverse(P)).mod(P); // v is never 0: d is not a square
        BigInteger x = x2.modPow(P_PLUS_3_OVER_8, P);
        if (!x.multiply(x).subtract(x2).mod(P).equals(BigInteger.ZERO)) {
            x = x.multiply(SQRT_M1).mod(P);
        }
        if (!x.multiply(x).subtract(x2).mod(P).equals(BigInteger.ZERO)) {
            return null;
        }
        if (x.signum() == 0 && odd) {
            return null;
        }
        return x.testBit(0) == odd ? x : P.subtract(x);
    }

    /** P + Q on -x^2 + y^2 = 1 + d x^2 y^2 (complete: no exceptional cases for Ed25519). */
    private static BigInteger[] add(BigInteger[] p, BigInteger[] q) {
        BigInteger x1 = p[0];
        BigInteger y1 = p[1];
        BigInteger x2 = q[0];
        BigInteger y2 = q[1];
        BigInteger dxxyy = D.multiply(x1).multiply(x2).multiply(y1).multiply(y2).mod(P);
        BigInteger x3 = x1.multiply(y2).add(x2.multiply(y1)).multiply(BigInteger.ONE.add(dxxyy).modInverse(P)).mod(P);
        BigInteger y3 = y1.multiply(y2).add(x1.multiply(x2)).multiply(BigInteger.ONE.subtract(dxxyy).mod(P).modInverse(P)).mod(P);
        return new BigInteger[] {x3, y3};
    }
}
