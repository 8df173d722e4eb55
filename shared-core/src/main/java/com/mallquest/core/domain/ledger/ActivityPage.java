package com.mallquest.core.domain.ledger;

import java.util.List;

/**
 * A page of a user's activity, newest first.
 *
 * @param entries    at most the requested number of entries
 * @param nextCursor pass to {@link Ledger#activity} for the next (older) page; null on the last page
 */
public record ActivityPage(List<ActivityEntry> entries, String nextCursor) {
}
