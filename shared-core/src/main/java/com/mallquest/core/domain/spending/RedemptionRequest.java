package com.mallquest.core.domain.spending;

import com.mallquest.core.platform.errors.DomainException;

import java.util.regex.Pattern;

/**
 * The body of {@code POST /redemptions}: {@code {"redemptionId","rewardId"}}. {@code redemptionId} is chosen by the
 * client (e.g. a UUID made when the shopper taps "redeem") and makes retries safe: the same request again is
 * answered with the same coupon; the same id with another reward is 409 {@code redemption_details_differ}.
 */
public record RedemptionRequest(String redemptionId, String rewardId) {

    static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    public RedemptionRequest {
        if (redemptionId == null || !ID.matcher(redemptionId).matches()) {
            throw DomainException.invalid("redemptionId", "redemptionId is required: 1 to 64 letters, digits or ._:-");
        }
        if (rewardId == null || !RewardCatalogue.ID.matcher(rewardId).matches()) {
            throw DomainException.invalid("rewardId", "rewardId is required: 1 to 64 lower-case letters, digits or '-'");
        }
    }

    /** What a repeat must match: a digest of the request's content (the id itself excluded). */
    String payloadHash() {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(("rewardId=" + rewardId).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest, 0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
