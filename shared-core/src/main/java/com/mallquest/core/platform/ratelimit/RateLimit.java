package com.mallquest.core.platform.ratelimit;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A limit of {@code permits} actions per {@code window}, written {@code 10/60s} (units {@code s}, {@code m}, {@code h}).
 */
public record RateLimit(int permits, Duration window) {

    private static final Pattern FORMAT = Pattern.compile("(\\d+)/(\\d+)([smh])");

    public RateLimit {
        if (permits < 1) {
            throw new IllegalArgumentException("permits must be at least 1");
        }
        if (window.isZero() || window.isNegative()) {
            throw new IllegalArgumentException("window must be positive");
        }
    }

    /** Parses {@code 10/60s}; throws {@link IllegalArgumentException} with the expected format otherwise. */
    public static RateLimit parse(String text) {
        Matcher m = FORMAT.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("must look like 10/60s (permits/window with unit s, m or h), was '" + text + "'");
        }
        int permits = Integer.parseInt(m.group(1));
        long amount = Long.parseLong(m.group(2));
        Duration window = switch (m.group(3)) {
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
        };
        return new RateLimit(permits, window);
    }

    @Override
    public String toString() {
        return permits + "/" + window.toSeconds() + "s";
    }
}
