package com.mallquest.logging;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What keeps secrets out of the log: every message, string value, error message and stack trace goes through
 * {@link #scrub}, and a field whose name says it holds a secret is never written ({@link #isSecretField}).
 *
 * <ul>
 *   <li>a compact JWS or JWT ({@code eyJ...}.{@code ...}.{@code ...}): access tokens and receipt codes;</li>
 *   <li>{@code Bearer <anything>};</li>
 *   <li>the user-info part of a URL ({@code rediss://user:password@host}).</li>
 * </ul>
 * Each becomes {@value #REDACTED}. The rule of the code base stays: do not pass secrets to the logger; this is the
 * net under it.
 */
public final class Redaction {

    /** What a secret is replaced with. */
    public static final String REDACTED = "[redacted]";

    private static final Pattern JWS = Pattern.compile("eyJ[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]*");
    private static final Pattern BEARER = Pattern.compile("(?i)(bearer\\s+)[^\\s\"',;]+");
    private static final Pattern URL_USER_INFO = Pattern.compile("([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\\s\"']+@");
    private static final String[] SECRET_NAMES = {
        "token", "secret", "password", "passwd", "authorization", "credential", "privatekey", "apikey",
        "cookie", "jws", "receiptcode", "couponcode", "signedcode"
    };

    private Redaction() { }

    /** {@code text} with every secret it contains replaced by {@value #REDACTED}. */
    public static String scrub(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String s = text;
        if (s.contains("eyJ")) {
            s = JWS.matcher(s).replaceAll(REDACTED);
        }
        if (s.toLowerCase(Locale.ROOT).contains("bearer")) {
            s = BEARER.matcher(s).replaceAll("$1" + REDACTED);
        }
        if (s.indexOf('@') >= 0 && s.contains("://")) {
            s = URL_USER_INFO.matcher(s).replaceAll("$1" + REDACTED + "@");
        }
        return s;
    }

    /**
     * True when a field called {@code name} would hold a secret (token, password, authorization, a receipt or
     * coupon code, ...): its value is written as {@value #REDACTED}.
     */
    public static boolean isSecretField(String name) {
        String n = name.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
        for (String secret : SECRET_NAMES) {
            if (n.contains(secret)) {
                return true;
            }
        }
        return false;
    }
}
