package com.mallquest.core.domain.spending;

import java.security.SecureRandom;
import java.util.Locale;
import java.util.Optional;

/**
 * Coupon codes: 16 symbols of Crockford's base32 (80 random bits from {@link SecureRandom}, never derived from an
 * id), shown in groups of four: {@code 7KQ2-M9XD-4HTR-0BZE}. Reading is forgiving as Crockford intends: case,
 * hyphens and spaces do not matter, {@code I}/{@code L} read as {@code 1} and {@code O} as {@code 0}.
 */
public final class CouponCode {

    static final String ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    static final int SYMBOLS = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private CouponCode() { }

    /** A new random code, grouped ({@code XXXX-XXXX-XXXX-XXXX}). */
    public static String generate() {
        byte[] bytes = new byte[SYMBOLS * 5 / 8];
        RANDOM.nextBytes(bytes);
        StringBuilder code = new StringBuilder(SYMBOLS + 3);
        int buffer = 0;
        int bits = 0;
        int written = 0;
        for (byte b : bytes) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                if (written > 0 && written % 4 == 0) {
                    code.append('-');
                }
                code.append(ALPHABET.charAt((buffer >> (bits - 5)) & 31));
                bits -= 5;
                written++;
            }
        }
        return code.toString();
    }

    /** The 16 symbols of a typed code without separators; empty when it cannot be a code. */
    public static Optional<String> parse(String typed) {
        if (typed == null || typed.length() > 40) {
            return Optional.empty();
        }
        StringBuilder out = new StringBuilder(SYMBOLS);
        for (char c : typed.toUpperCase(Locale.ROOT).toCharArray()) {
            if (c == '-' || c == ' ') {
                continue;
            }
            char mapped = switch (c) {
                case 'I', 'L' -> '1';
                case 'O' -> '0';
                default -> c;
            };
            if (ALPHABET.indexOf(mapped) < 0) {
                return Optional.empty();
            }
            out.append(mapped);
        }
        return out.length() == SYMBOLS ? Optional.of(out.toString()) : Optional.empty();
    }

    /** The stored key form of a generated code. */
    static String canonical(String code) {
        return parse(code).orElseThrow(() -> new IllegalArgumentException("not a coupon code"));
    }
}
