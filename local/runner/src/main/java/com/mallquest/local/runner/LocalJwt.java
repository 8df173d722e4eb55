package com.mallquest.local.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The HTTP API's JWT authorizer, emulated with a shared secret (HS256) instead of Cognito's keys.
 *
 * <p>{@link #verify} checks what API Gateway checks: the signature, {@code exp} (required, after now), {@code nbf}
 * and {@code iat} (when present, not after now; {@value #CLOCK_SKEW_SECONDS} s of clock skew allowed), and the
 * issuer and audience when the template's parameters set them: {@code aud} when the token has one, else (an access
 * token such as Cognito's) {@code client_id}; API Gateway reads {@code client_id} only when {@code aud} is absent.
 * A time claim must be a number of seconds between 0 and the end of year 9999: a value that would wrap around a
 * {@code long} ({@code 2^64 + now}) or saturate it ({@code 1e300}) is refused, not read as some other time.
 * Only {@code HS256} is accepted ({@code none} and every other algorithm are rejected). The verified claims are
 * handed to the function as API Gateway does: every value as a string, a list as {@code [a b]}.
 *
 * <p>A token that verified once is remembered with its claims (at most {@value #REMEMBERED} tokens): its signature,
 * issuer and audience cannot change, so a repeat only checks the time again ({@code exp}, {@code nbf}), and an
 * expired token is refused and forgotten. That spares each request of a client the HMAC and two JSON parses.
 *
 * <p>The secret is {@code LOCAL_JWT_SECRET}, else {@value #DEVELOPMENT_SECRET} (for local use only).
 */
public final class LocalJwt {

    /** The documented development secret used when {@code LOCAL_JWT_SECRET} is unset. */
    public static final String DEVELOPMENT_SECRET = "mallquest-local-development-secret";
    /** Environment variable holding the signing secret. */
    public static final String SECRET_VARIABLE = "LOCAL_JWT_SECRET";

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    /** A verified token's claims and scopes, in the shape of the payload-v2 {@code authorizer.jwt} block. */
    public record Verified(Map<String, String> claims, List<String> scopes) { }

    /** How far in the future {@code iat} and {@code nbf} may be (the issuer's clock running ahead of ours). */
    static final long CLOCK_SKEW_SECONDS = 5;
    /** The largest time claim accepted: 9999-12-31T23:59:59Z, in epoch seconds. */
    static final long LAST_NUMERIC_DATE = 253_402_300_799L;

    /** How many verified tokens are remembered at most (all are forgotten when it is reached). */
    static final int REMEMBERED = 10_000;

    private final byte[] secret;
    private final LocalTemplate.JwtRules rules;
    private final Clock clock;
    private final java.util.concurrent.ConcurrentHashMap<String, Remembered> remembered = new java.util.concurrent.ConcurrentHashMap<>();

    /** A token that verified: what it gave, and its time bounds in epoch seconds ({@code nbf} 0 when absent). */
    private record Remembered(Verified verified, long exp, long nbf) {
        boolean currentAt(long now) {
            return exp > now && nbf <= now;
        }
    }

    public LocalJwt(String secret, LocalTemplate.JwtRules rules, Clock clock) {
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.rules = rules;
        this.clock = clock;
    }

    /** The secret from the environment ({@code LOCAL_JWT_SECRET}) or the development default. */
    public static String secretFrom(Map<String, String> environment) {
        String configured = environment.get(SECRET_VARIABLE);
        return configured == null || configured.isBlank() ? DEVELOPMENT_SECRET : configured;
    }

    /** A signed token for {@code sub} with {@code cognito:groups}, valid for {@code ttlSeconds}. */
    public String issue(String sub, List<String> groups, long ttlSeconds) {
        return issue(sub, groups, null, ttlSeconds);
    }

    /** A token whose {@code custom:storeId} claim names the store a {@code store-staff} member works for (null: none). */
    public String issue(String sub, List<String> groups, String staffStoreId, long ttlSeconds) {
        return issue(sub, groups, staffStoreId, null, ttlSeconds);
    }

    /**
     * A token that may also carry the {@code custom:storeId} of a store's manager or staff and the {@code name} the
     * person gave at sign-up (as a Cognito ID token does; null: none).
     */
    public String issue(String sub, List<String> groups, String staffStoreId, String name, long ttlSeconds) {
        long now = clock.instant().getEpochSecond();
        ObjectNode payload = JsonText.MAPPER.createObjectNode();
        payload.put("sub", sub);
        if (name != null) {
            payload.put("name", name);
        }
        if (!groups.isEmpty()) {
            groups.forEach(g -> payload.withArray("cognito:groups").add(g));
        }
        if (staffStoreId != null) {
            payload.put("custom:storeId", staffStoreId);
        }
        rules.issuer().ifPresent(iss -> payload.put("iss", iss));
        if (!rules.audience().isEmpty()) {
            payload.put("aud", rules.audience().get(0));
        }
        payload.put("token_use", "access");
        payload.put("iat", now);
        payload.put("exp", now + ttlSeconds);
        return sign("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", payload.toString());
    }

    /** Signs an arbitrary header and payload (tests use it to build bad tokens). */
    public String sign(String headerJson, String payloadJson) {
        String signingInput = B64.encodeToString(headerJson.getBytes(StandardCharsets.UTF_8)) + "."
                + B64.encodeToString(payloadJson.getBytes(StandardCharsets.UTF_8));
        return signingInput + "." + B64.encodeToString(hmac(signingInput));
    }

    /**
     * Verifies the {@code Authorization} header value ({@code Bearer <jwt>} or the bare token, as API Gateway
     * accepts both); empty when the request must be refused with 401.
     */
    public Optional<Verified> verify(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            return Optional.empty();
        }
        String token = authorization.trim();
        if (token.regionMatches(true, 0, "Bearer ", 0, 7)) {
            token = token.substring(7).trim();
        }
        long now = clock.instant().getEpochSecond();
        Remembered known = remembered.get(token);
        if (known != null) {
            if (known.exp() <= now) {
                remembered.remove(token);
            }
            return known.currentAt(now) ? Optional.of(known.verified()) : Optional.empty();
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            return Optional.empty();
        }
        try {
            JsonNode header = JsonText.MAPPER.readTree(B64D.decode(parts[0]));
            if (header == null || !"HS256".equals(header.path("alg").asText())) {
                return Optional.empty();
            }
            byte[] expected = hmac(parts[0] + "." + parts[1]);
            if (!MessageDigest.isEqual(expected, B64D.decode(parts[2]))) {
                return Optional.empty();
            }
            JsonNode payload = JsonText.MAPPER.readTree(B64D.decode(parts[1]));
            if (payload == null || !payload.isObject()) {
                return Optional.empty();
            }
            OptionalLong exp = numericDate(payload.get("exp"));
            if (exp.isEmpty() || exp.getAsLong() <= now) {
                return Optional.empty();
            }
            OptionalLong nbf = payload.has("nbf") ? numericDate(payload.get("nbf")) : OptionalLong.of(0);
            if (nbf.isEmpty() || nbf.getAsLong() > now + CLOCK_SKEW_SECONDS) {
                return Optional.empty();
            }
            OptionalLong iat = payload.has("iat") ? numericDate(payload.get("iat")) : OptionalLong.of(0);
            if (iat.isEmpty() || iat.getAsLong() > now + CLOCK_SKEW_SECONDS) {
                return Optional.empty();
            }
            if (rules.issuer().isPresent() && !rules.issuer().get().equals(payload.path("iss").asText(null))) {
                return Optional.empty();
            }
            if (!rules.audience().isEmpty() && !audienceMatches(payload)) {
                return Optional.empty();
            }
            Map<String, String> claims = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = payload.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> claim = it.next();
                claims.put(claim.getKey(), claimText(claim.getValue()));
            }
            List<String> scopes = null;
            if (payload.path("scope").isTextual()) {
                scopes = List.of(payload.get("scope").asText().trim().split("\\s+"));
            }
            Verified verified = new Verified(java.util.Collections.unmodifiableMap(claims), scopes);
            if (remembered.size() >= REMEMBERED) {
                remembered.clear();
            }
            remembered.put(token, new Remembered(verified, exp.getAsLong(), nbf.getAsLong() - CLOCK_SKEW_SECONDS));
            return Optional.of(verified);
        } catch (IllegalArgumentException | java.io.IOException e) {
            return Optional.empty();
        }
    }

    /** API Gateway's rule: {@code aud} when the token has it (one of its values matches), else {@code client_id}. */
    private boolean audienceMatches(JsonNode payload) {
        List<String> presented = new ArrayList<>();
        if (payload.has("aud")) {
            JsonNode aud = payload.get("aud");
            if (aud.isArray()) {
                aud.forEach(a -> {
                    if (a.isTextual()) {
                        presented.add(a.asText());
                    }
                });
            } else if (aud.isTextual()) {
                presented.add(aud.asText());
            }
        } else if (payload.path("client_id").isTextual()) {
            presented.add(payload.get("client_id").asText());
        }
        return presented.stream().anyMatch(rules.audience()::contains);
    }

    /**
     * A JWT NumericDate (RFC 7519: seconds, possibly fractional) as whole seconds, or empty when it is not a number
     * or lies outside 0 .. {@value #LAST_NUMERIC_DATE}: a {@code long} read of {@code 2^64 + t} gives {@code t}, and
     * of {@code 1e300} gives {@code Long.MAX_VALUE}; both must be refused rather than read as a valid time.
     */
    static OptionalLong numericDate(JsonNode value) {
        if (value == null || !value.isNumber()) {
            return OptionalLong.empty();
        }
        java.math.BigDecimal exact = value.decimalValue();
        if (exact.signum() < 0 || exact.compareTo(java.math.BigDecimal.valueOf(LAST_NUMERIC_DATE)) > 0) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(exact.longValue());
    }

    /** A claim as API Gateway passes it: strings as is, lists as {@code [a b]}, other values as their JSON text. */
    static String claimText(JsonNode value) {
        if (value.isTextual()) {
            return value.asText();
        }
        if (value.isArray()) {
            List<String> items = new ArrayList<>();
            value.forEach(v -> items.add(v.isTextual() ? v.asText() : v.toString()));
            return "[" + String.join(" ", items) + "]";
        }
        return value.toString();
    }

    private byte[] hmac(String input) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(input.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
