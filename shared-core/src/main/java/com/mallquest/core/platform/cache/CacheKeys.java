package com.mallquest.core.platform.cache;

/**
 * Builds cache keys {@code mq:<area>:{<tag>}:<rest>}. The part in braces is the Redis Cluster hash tag:
 * every key of one user (profile view, rate limits, effects) carries {@code {u:<userId>}} so that a
 * script touching several of them stays in one slot.
 */
public final class CacheKeys {
    public static final String PREFIX = "mq:";

    private CacheKeys() { }

    /** A key of one user's data, e.g. {@code forUser("user", id)} or {@code forUser("rl:receipts", id, "29012345")}. */
    public static String forUser(String area, String userId, String... rest) {
        return build(area, "u:" + userId, rest);
    }

    /** The cached view of one user ({@code GET /users/{id}}); every write to the user deletes it. */
    public static String userView(String userId) {
        return forUser("user", userId);
    }

    /**
     * True for keys whose value is checked against its source whenever it is read, so that a missed delete is never
     * served for newer data: the user views, which carry the profile version they were built from.
     */
    public static boolean isVersionChecked(String key) {
        return key.startsWith(PREFIX + "user:{u:");
    }

    /** A key with an explicit hash tag. */
    public static String build(String area, String tag, String... rest) {
        StringBuilder sb = new StringBuilder(PREFIX).append(area).append(":{").append(tag).append('}');
        for (String part : rest) {
            sb.append(':').append(part);
        }
        return sb.toString();
    }
}
