package com.mallquest.core.domain.campaigns;

import com.mallquest.core.domain.earning.Campaign;
import com.mallquest.core.platform.errors.DomainException;

/**
 * The body of {@code PUT /admin/campaigns/{campaignId}}: the whole campaign (it creates or replaces the definition;
 * its spend is never overwritten). {@code expectedVersion}, when given, is the version the operator read: a change
 * made meanwhile answers 409 {@code campaign_changed} instead of being overwritten.
 */
public record CampaignChange(String name, Campaign.Status status, Campaign.Window window, Campaign.Conditions conditions,
                             Campaign.Effect effect, Campaign.Stacking stacking, Integer priority, Campaign.Budget budget,
                             Long expectedVersion) {

    public CampaignChange {
        if (expectedVersion != null && expectedVersion < 0) {
            throw DomainException.invalid("expectedVersion", "expectedVersion must be at least 0 (0: the campaign must be new)");
        }
    }

    /** The campaign this change describes, under {@code campaignId}. */
    public Campaign campaign(String campaignId) {
        return new Campaign(campaignId, name, status, window, conditions, effect, stacking, priority == null ? 0 : priority, budget);
    }
}
