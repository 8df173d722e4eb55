package com.mallquest.core.domain.campaigns;

import com.mallquest.core.domain.earning.Campaign;

import java.time.Instant;

/**
 * A stored campaign with its spend, as {@code GET /admin/campaigns} shows it.
 *
 * @param campaign  the definition
 * @param version   raised by every change ({@code expectedVersion} of the next change)
 * @param spent     bonus coins issued so far
 * @param remaining coins its total budget still allows; null when the total is unlimited
 * @param updatedBy who changed it last
 * @param updatedAt when
 */
public record CampaignRecord(Campaign campaign, long version, long spent, Long remaining, String updatedBy,
                             Instant updatedAt) {
}
