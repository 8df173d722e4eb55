package com.mallquest.core.domain.campaigns;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.mallquest.core.domain.audit.AuditAction;
import com.mallquest.core.domain.audit.AuditEntry;
import com.mallquest.core.domain.audit.AuditItems;
import com.mallquest.core.domain.earning.Campaign;
import com.mallquest.core.platform.dynamo.Transaction;
import com.mallquest.core.platform.cache.Cache;
import com.mallquest.core.platform.cache.CacheBatch;
import com.mallquest.core.platform.cache.CacheKeys;
import com.mallquest.core.platform.errors.DomainException;
import com.mallquest.core.platform.identity.Caller;
import com.mallquest.core.platform.json.Json;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import static com.mallquest.core.platform.dynamo.Attributes.n;
import static com.mallquest.core.platform.dynamo.Attributes.s;

/**
 * The mall's campaigns: the operator's changes ({@link #put}), the list with spend against budget ({@link #list}),
 * and the running campaigns a receipt is earned with ({@link #running(CacheBatch)}).
 *
 * <p>The running set is read like the store catalogue: each container keeps its copy for {@link #LOCAL_TTL}, the
 * shared cache holds it under {@link #CACHE_KEY} (read in the receipt's one cache batch), and only a miss of both
 * queries the table. A change drops the shared entry and this container's copy; other containers see it within
 * {@link #LOCAL_TTL}. A campaign paused or out of budget meanwhile still never issues a coin more: its counter's
 * condition in the credit's transaction reads the stored status and budget ({@link CampaignBudgets}).
 *
 * <pre>{@code
 * Campaigns campaigns = services.campaigns();
 * campaigns.put(admin, "zara-weekend", change);            // created (201) or changed (200)
 * List<CampaignRecord> all = campaigns.list(admin);          // with spent and remaining
 * Supplier<List<Campaign>> running = campaigns.running(batch);
 * }</pre>
 */
public final class Campaigns {

    /** The shared cache's entry of the running campaigns (JSON). */
    public static final String CACHE_KEY = CacheKeys.build("campaigns", "catalogue", "running");
    /** How long a container uses its own copy of the running campaigns without asking the shared cache. */
    public static final Duration LOCAL_TTL = Duration.ofSeconds(10);
    /** How long the shared entry lives (a change drops it at once). */
    static final Duration SHARED_TTL = Duration.ofSeconds(60);
    private static final TypeReference<List<Campaign>> CAMPAIGN_LIST = new TypeReference<>() { };

    private final DynamoDbClient dynamo;
    private final String table;
    private final String auditTable;
    private final Cache cache;
    private final Clock clock;
    private final LongSupplier nanoTime;
    private volatile Local local;

    private record Local(List<Campaign> campaigns, long expiresAtNanos) { }

    /** What {@link #put} did: created the campaign or changed it, and the campaign as stored. */
    public record Saved(boolean created, CampaignRecord campaign) { }

    /** @param auditTable the audit trail ({@code AUDIT_TABLE}): every change is written with its entry */
    public Campaigns(DynamoDbClient dynamo, String campaignsTable, String auditTable, Cache cache, Clock clock) {
        this(dynamo, campaignsTable, auditTable, cache, clock, System::nanoTime);
    }

    Campaigns(DynamoDbClient dynamo, String campaignsTable, String auditTable, Cache cache, Clock clock, LongSupplier nanoTime) {
        this.dynamo = dynamo;
        this.table = campaignsTable;
        this.auditTable = auditTable;
        this.cache = cache;
        this.clock = clock;
        this.nanoTime = nanoTime;
    }

    /**
     * Creates or changes a campaign (admins only). Its spend is kept; a new total budget moves {@code remaining} by
     * the difference, atomically with the credits counting against it. An ended campaign stays ended. The change and
     * its audit entry ({@code campaign.created} or {@code campaign.changed}: who, when, the definition before and
     * after) are one transaction.
     *
     * @throws DomainException 403 {@code forbidden}, 409 {@code campaign_changed} (another change since
     *                         {@code expectedVersion}, or at the same moment), 409 {@code campaign_ended}
     */
    public Saved put(Caller caller, String campaignId, CampaignChange change) {
        requireAdmin(caller);
        Campaign next = change.campaign(campaignId);
        Optional<CampaignRecord> before = find(campaignId);
        long version = before.map(CampaignRecord::version).orElse(0L);
        if (change.expectedVersion() != null && change.expectedVersion() != version) {
            throw changed(campaignId, version);
        }
        if (before.isPresent() && before.get().campaign().status() == Campaign.Status.ENDED && next.status() != Campaign.Status.ENDED) {
            throw DomainException.conflict("campaign_ended", "Campaign " + campaignId + " has ended; start a new campaign instead");
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Long total = next.budget().totalCoins();
        TransactWriteItem write = before.isEmpty() ? create(next, total, caller, now) : change(next, before.get(), total, caller, now);
        AuditEntry entry = AuditEntry.of(caller, now, before.isEmpty() ? AuditAction.CAMPAIGN_CREATED : AuditAction.CAMPAIGN_CHANGED,
                null, "campaign:" + campaignId, "campaign:" + campaignId + ":v" + (version + 1),
                before.map(b -> CampaignItems.json(b.campaign())).orElse(null), CampaignItems.json(next));
        Transaction.Outcome outcome = new Transaction(dynamo).write(List.of(write, AuditItems.put(auditTable, entry)));
        if (!outcome.applied()) { // another change came between the read and the write: refused, no audit entry
            throw changed(campaignId, find(campaignId).map(CampaignRecord::version).orElse(0L));
        }
        forget();
        return new Saved(before.isEmpty(), find(campaignId).orElseThrow());
    }

    private TransactWriteItem create(Campaign campaign, Long total, Caller caller, Instant now) {
        Map<String, AttributeValue> item = new HashMap<>(CampaignItems.campaignKey(campaign.campaignId()));
        item.put(CampaignItems.DEFINITION, s(CampaignItems.json(campaign)));
        item.put(CampaignItems.STATUS, s(campaign.status().wireName()));
        if (total != null) {
            item.put(CampaignItems.BUDGET, n(total));
        }
        item.put(CampaignItems.SPENT, n(0));
        item.put(CampaignItems.REMAINING, n(total == null ? 0 : total));
        item.put(CampaignItems.VERSION, n(1));
        item.put(CampaignItems.UPDATED_AT, s(now.toString()));
        item.put(CampaignItems.UPDATED_BY, s(caller.userId()));
        return TransactWriteItem.builder().put(Put.builder().tableName(table).item(item)
                .conditionExpression("attribute_not_exists(" + CampaignItems.PK + ")").build()).build();
    }

    private TransactWriteItem change(Campaign campaign, CampaignRecord before, Long total, Caller caller, Instant now) {
        Long oldTotal = before.remaining() == null ? null : before.campaign().budget().totalCoins();
        long delta = (total == null ? 0 : total) - (oldTotal == null ? 0 : oldTotal);
        Map<String, String> names = new HashMap<>(Map.of("#definition", CampaignItems.DEFINITION, "#status", CampaignItems.STATUS,
                "#version", CampaignItems.VERSION, "#updatedAt", CampaignItems.UPDATED_AT, "#updatedBy", CampaignItems.UPDATED_BY,
                "#remaining", CampaignItems.REMAINING, "#budget", CampaignItems.BUDGET));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":definition", s(CampaignItems.json(campaign)),
                ":status", s(campaign.status().wireName()), ":version", n(before.version()), ":next", n(before.version() + 1),
                ":updatedAt", s(now.toString()), ":updatedBy", s(caller.userId()), ":delta", n(delta)));
        String set = "SET #definition = :definition, #status = :status, #version = :next, #updatedAt = :updatedAt, #updatedBy = :updatedBy";
        String budget;
        if (total != null) {
            set += ", #budget = :budget";
            values.put(":budget", n(total));
            budget = "";
        } else {
            budget = " REMOVE #budget";
        }
        return TransactWriteItem.builder().update(Update.builder().tableName(table).key(CampaignItems.campaignKey(campaign.campaignId()))
                .updateExpression(set + " ADD #remaining :delta" + budget)
                .conditionExpression("#version = :version")
                .expressionAttributeNames(names).expressionAttributeValues(values).build()).build();
    }

    /** Every campaign with its spend, by id (admins only). */
    public List<CampaignRecord> list(Caller caller) {
        requireAdmin(caller);
        return query().stream().map(CampaignItems::record).toList();
    }

    /** The campaign {@code campaignId} with its spend (a strongly consistent read). */
    public Optional<CampaignRecord> find(String campaignId) {
        if (!Campaign.ID.matcher(campaignId).matches()) {
            return Optional.empty();
        }
        var response = dynamo.getItem(GetItemRequest.builder().tableName(table)
                .key(CampaignItems.campaignKey(campaignId)).consistentRead(true).build());
        return response.hasItem() && !response.item().isEmpty() ? Optional.of(CampaignItems.record(response.item())) : Optional.empty();
    }

    /** The running campaigns ({@link Campaign.Status#runs()}): this container's copy, else the shared cache's, else the table. */
    public List<Campaign> running() {
        CacheBatch batch = new CacheBatch();
        Supplier<List<Campaign>> running = running(batch);
        cache.execute(batch);
        return running.get();
    }

    /**
     * {@link #running()}, with the shared cache's read (when this container has no fresh copy) sent among the other
     * operations of {@code batch}: the campaigns can be asked for once the batch has run.
     */
    public Supplier<List<Campaign>> running(CacheBatch batch) {
        Local copy = local;
        if (copy != null && nanoTime.getAsLong() - copy.expiresAtNanos() < 0) {
            return copy::campaigns;
        }
        CacheBatch.Result<Optional<String>> cached = batch.get(CACHE_KEY);
        return () -> {
            List<Campaign> campaigns = cached.get().map(Campaigns::parseList).orElse(null);
            if (campaigns == null) {
                campaigns = query().stream().map(CampaignItems::campaign).filter(c -> c.status().runs()).toList();
                cache.set(CACHE_KEY, Json.write(campaigns), SHARED_TTL);
            }
            local = new Local(campaigns, nanoTime.getAsLong() + LOCAL_TTL.toNanos());
            return campaigns;
        };
    }

    private static List<Campaign> parseList(String json) {
        try {
            return List.copyOf(Json.MAPPER.readValue(json, CAMPAIGN_LIST));
        } catch (JsonProcessingException e) {
            return null; // written by an older shape of Campaign: read the table
        }
    }

    /** Drops the shared entry and this container's copy. */
    private void forget() {
        local = null;
        cache.delete(CACHE_KEY);
    }

    private List<Map<String, AttributeValue>> query() {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryRequest.Builder request = QueryRequest.builder().tableName(table).consistentRead(true)
                    .keyConditionExpression("#pk = :campaigns")
                    .expressionAttributeNames(Map.of("#pk", CampaignItems.PK))
                    .expressionAttributeValues(Map.of(":campaigns", s(CampaignItems.CAMPAIGNS)));
            if (start != null) {
                request.exclusiveStartKey(start);
            }
            QueryResponse response = dynamo.query(request.build());
            items.addAll(response.items());
            start = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty() ? response.lastEvaluatedKey() : null;
        } while (start != null);
        return items;
    }

    private static void requireAdmin(Caller caller) {
        if (!caller.isAdmin()) {
            throw DomainException.forbidden("forbidden", "Only administrators may manage campaigns");
        }
    }

    private static DomainException changed(String campaignId, long version) {
        return DomainException.conflict("campaign_changed", "Campaign " + campaignId
                + " was changed meanwhile; read it again and send its version as expectedVersion").detail("version", version);
    }
}
