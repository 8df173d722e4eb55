package com.mallquest.core.domain.spending;

import java.util.List;

/**
 * A page of {@code GET /users/me/redemptions}, newest first.
 *
 * @param nextCursor pass as {@code ?cursor=} for the next (older) page; null on the last page
 */
public record RedemptionPage(List<Redemption> redemptions, String nextCursor) {
}
