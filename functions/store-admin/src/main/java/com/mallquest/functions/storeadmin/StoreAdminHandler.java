package com.mallquest.functions.storeadmin;

import com.mallquest.core.api.lambda.Services;
import com.mallquest.core.platform.identity.Access;
import com.mallquest.core.platform.identity.Caller;
import com.mallquest.core.operations.fleet.FleetRecorder;
import com.mallquest.core.api.http.ApiRequest;
import com.mallquest.core.api.http.ApiResponse;
import com.mallquest.core.api.http.Route;
import com.mallquest.core.api.lambda.ApiHandler;
import com.mallquest.core.domain.campaigns.CampaignChange;
import com.mallquest.core.domain.campaigns.Campaigns;
import com.mallquest.core.domain.receipts.CampaignForecast;
import com.mallquest.core.domain.receipts.ReceiptResult;
import com.mallquest.core.domain.receipts.ReceiptReviews;
import com.mallquest.core.domain.audit.AuditEntry;
import com.mallquest.core.domain.audit.AuditTrail;
import com.mallquest.core.platform.json.Json;
import com.mallquest.core.domain.stores.Store;
import com.mallquest.core.domain.stores.StoreChange;
import com.mallquest.core.domain.stores.StoreKey;
import com.mallquest.core.domain.stores.StoreRegistry;
import com.mallquest.core.platform.errors.DomainException;
import com.mallquest.core.domain.stores.StoreKeyRequest;
import com.mallquest.core.domain.stores.StoreKeys;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The store-facing admin routes, for admins and a store's own staff ({@code Access.MANAGER}; which store is checked
 * by the services with {@link Caller#mayManageStore}):
 * <ul>
 *   <li>{@code PUT /admin/stores/{storeId}/keys/{kid}} a public JWK (201 new, 200 the same key again, 409 another
 *       key under that id), {@code GET /admin/stores/{storeId}/keys}, {@code DELETE /admin/stores/{storeId}/keys/{kid}}
 *       (revoked) over {@link StoreKeys};</li>
 *   <li>{@code GET /admin/receipts?status=pending_review&storeId=&limit=&cursor=}, {@code POST
 *       /admin/receipts/{storeId}/{receiptId}/approve} (201 credited, 200 replayed) and {@code …/reject}
 *       {@code {"reason"}} over {@link ReceiptReviews};</li>
 *   <li>admins only: {@code PUT /admin/campaigns/{campaignId}} (201 created, 200 changed) and
 *       {@code GET /admin/campaigns} (each with its spend against its budget) over {@link Campaigns}, and
 *       {@code POST /admin/campaigns/{campaignId}/forecast} {@code {"from", "to"}} over {@link CampaignForecast}.</li>
 * </ul>
 */
public final class StoreAdminHandler extends ApiHandler {
    private final StoreKeys keys;
    private final StoreRegistry registry;
    private final AuditTrail audit;
    private final ReceiptReviews reviews;
    private final Campaigns campaigns;
    private final CampaignForecast forecasts;

    public StoreAdminHandler() {
        this(Services.container());
    }

    StoreAdminHandler(Services services) {
        super(services.platform());
        this.keys = services.storeKeys();
        this.registry = services.storeRegistry();
        this.audit = services.auditTrail();
        this.reviews = services.reviews();
        this.campaigns = services.campaigns();
        this.forecasts = services.campaignForecast();
    }


    /** A key as the API shows it. */
    record KeyView(String kid, String storeId, Map<String, String> jwk, String status, boolean development, Instant createdAt,
                   Instant revokedAt) {
        static KeyView of(StoreKey key) {
            return new KeyView(key.kid(), key.storeId(), key.jwk(), key.status(), key.development(), key.createdAt(), key.revokedAt());
        }
    }

    /** A store as the operators' API shows it: the store's fields, its version and the development marker. */
    record StoreView(String storeId, String name, String category, String floor, java.math.BigDecimal multiplier,
                     java.math.BigDecimal maxReceiptAmount, String verification, List<String> aliases, boolean active,
                     long version, boolean development) {
        static StoreView of(StoreRegistry.Versioned versioned) {
            Store s = versioned.store();
            return new StoreView(s.storeId(), s.name(), s.category(), s.floor(), s.multiplier(), s.maxReceiptAmount(),
                    s.verification().wire(), s.aliases(), s.active(), versioned.version(), versioned.development());
        }
    }

    /** A page of {@code GET /admin/stores}; {@code nextCursor} null on the last page. */
    record StorePage(List<StoreView> stores, String nextCursor) { }

    @Override
    protected List<Route> routes() {
        return List.of(
                Route.get("/admin/stores", Access.ADMIN, this::listStores),
                Route.get("/admin/audit", Access.MANAGER, this::auditTrail),
                Route.get("/admin/stores/{storeId}", Access.MANAGER, this::getStore),
                Route.put("/admin/stores/{storeId}", Access.ADMIN, this::putStore),
                Route.put("/admin/stores/{storeId}/keys/{kid}", Access.MANAGER, this::putKey),
                Route.get("/admin/stores/{storeId}/keys", Access.MANAGER, this::listKeys),
                Route.delete("/admin/stores/{storeId}/keys/{kid}", Access.MANAGER, this::revokeKey),
                Route.get("/admin/receipts", Access.MANAGER, this::listReviews),
                Route.post("/admin/receipts/{storeId}/{receiptId}/approve", Access.MANAGER, this::approve),
                Route.post("/admin/receipts/{storeId}/{receiptId}/reject", Access.MANAGER, this::reject),
                Route.put("/admin/campaigns/{campaignId}", Access.ADMIN, this::putCampaign),
                Route.get("/admin/campaigns", Access.ADMIN, this::listCampaigns),
                Route.post("/admin/campaigns/{campaignId}/forecast", Access.ADMIN, this::forecastCampaign));
    }

    /** An audit entry as the API shows it: {@code before} and {@code after} as JSON values. */
    record AuditView(String entryId, Instant at, String actorId, String actorRole, String action, String storeId, String target,
                     com.fasterxml.jackson.databind.JsonNode before, com.fasterxml.jackson.databind.JsonNode after, String requestId) {
        static AuditView of(AuditEntry e) {
            return new AuditView(e.entryId(), e.at(), e.actorId(), e.actorRole(), e.action().wire(), e.storeId(), e.target(),
                    tree(e.before()), tree(e.after()), e.requestId());
        }

        private static com.fasterxml.jackson.databind.JsonNode tree(String json) {
            try {
                return json == null ? null : Json.MAPPER.readTree(json);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("an audit entry holds no JSON", e);
            }
        }
    }

    /** A page of {@code GET /admin/audit}, newest first. */
    record AuditPage(List<AuditView> entries, String nextCursor) { }

    private ApiResponse auditTrail(ApiRequest request) {
        AuditTrail.Page page = audit.page(request.requireCaller(), request.query("storeId").orElse(null),
                request.query("actor").orElse(null), instant(request, "from", false), instant(request, "to", true),
                request.queryInt("limit", 50, 1, AuditTrail.MAX_PAGE), request.query("cursor").orElse(null));
        return ApiResponse.ok(new AuditPage(page.entries().stream().map(AuditView::of).toList(), page.nextCursor()));
    }

    /** {@code ?name=} as an instant ({@code 2026-12-01T10:00:00Z}) or a UTC day ({@code 2026-12-01}: its start, or its end for {@code to}). */
    private static Instant instant(ApiRequest request, String name, boolean endOfDay) {
        return request.query(name).map(value -> {
            try {
                if (value.length() == 10) {
                    java.time.LocalDate day = java.time.LocalDate.parse(value);
                    return (endOfDay ? day.plusDays(1) : day).atStartOfDay(java.time.ZoneOffset.UTC).toInstant().minusMillis(endOfDay ? 1 : 0);
                }
                return Instant.parse(value);
            } catch (java.time.format.DateTimeParseException e) {
                throw DomainException.invalid(name, name + " must be an ISO-8601 instant (2026-12-01T10:00:00Z) or a day (2026-12-01)");
            }
        }).orElse(null);
    }

    private ApiResponse listStores(ApiRequest request) {
        StoreRegistry.Page page = registry.page(request.requireCaller(), request.queryInt("limit", 50, 1, StoreRegistry.MAX_PAGE),
                request.query("cursor").orElse(null));
        return ApiResponse.ok(new StorePage(page.stores().stream().map(StoreView::of).toList(), page.nextCursor()));
    }

    private ApiResponse getStore(ApiRequest request) {
        StoreRegistry.Versioned store = registry.get(request.requireCaller(), request.pathParameter("storeId"));
        return ApiResponse.ok(StoreView.of(store)).withHeader("ETag", store.etag());
    }

    private ApiResponse putStore(ApiRequest request) {
        Caller caller = request.requireCaller();
        if (!caller.isAdmin()) {
            throw DomainException.forbidden("forbidden", "Only an administrator creates or changes stores");
        }
        StoreChange change = request.body(StoreChange.class);
        Store store = change.toStore(request.pathParameter("storeId"));
        Long expected = request.header("If-Match").map(StoreAdminHandler::version).orElse(null);
        StoreRegistry.Saved saved = registry.put(caller, store, expected, change.isDevelopment());
        ApiResponse response = saved.created() ? ApiResponse.created(StoreView.of(saved.store())) : ApiResponse.ok(StoreView.of(saved.store()));
        return response.withHeader("ETag", saved.store().etag());
    }

    /** The version an {@code If-Match} names: {@code "3"} (or {@code W/"3"}, {@code 3}); anything else matches no version. */
    static long version(String ifMatch) {
        String tag = ifMatch.strip();
        if (tag.startsWith("W/")) {
            tag = tag.substring(2);
        }
        if (tag.length() >= 2 && tag.startsWith("\"") && tag.endsWith("\"")) {
            tag = tag.substring(1, tag.length() - 1);
        }
        if (!tag.matches("[1-9][0-9]{0,17}")) {
            throw DomainException.stale("version_mismatch", "If-Match must be the ETag a GET of this store answered, e.g. \"3\"");
        }
        return Long.parseLong(tag);
    }

    private ApiResponse putKey(ApiRequest request) {
        StoreKeys.Registration registration = keys.register(request.requireCaller(), request.pathParameter("storeId"),
                request.pathParameter("kid"), request.body(StoreKeyRequest.class));
        KeyView view = KeyView.of(registration.key());
        return registration.created() ? ApiResponse.created(view) : ApiResponse.ok(view);
    }

    private ApiResponse listKeys(ApiRequest request) {
        String storeId = request.pathParameter("storeId");
        List<KeyView> list = keys.list(request.requireCaller(), storeId).stream().map(KeyView::of).toList();
        return ApiResponse.ok(Map.of("storeId", storeId, "keys", list));
    }

    private ApiResponse revokeKey(ApiRequest request) {
        return ApiResponse.ok(KeyView.of(keys.revoke(request.requireCaller(), request.pathParameter("storeId"),
                request.pathParameter("kid"))));
    }

    private ApiResponse listReviews(ApiRequest request) {
        return ApiResponse.ok(reviews.list(request.requireCaller(), request.query("status").orElse(ReceiptReviews.PENDING_REVIEW),
                request.query("storeId").orElse(null), request.queryInt("limit", 20, 1, ReceiptReviews.MAX_PAGE),
                request.query("cursor").orElse(null)));
    }

    private ApiResponse approve(ApiRequest request) {
        ReceiptResult result = reviews.approve(request.requireCaller(), request.pathParameter("storeId"), request.pathParameter("receiptId"));
        request.metrics().count("ReceiptsApproved", result.replayed() ? 0 : 1)
                .count("CoinsAwarded", result.replayed() ? 0 : result.coinsEarned());
        if (!result.replayed()) {
            fleet.business(FleetRecorder.RECEIPTS_CREDITED, 1);
            fleet.business(FleetRecorder.COINS_AWARDED, result.coinsEarned());
        }
        return result.replayed() ? ApiResponse.ok(result) : ApiResponse.created(result);
    }

    private ApiResponse putCampaign(ApiRequest request) {
        Campaigns.Saved saved = campaigns.put(request.requireCaller(), request.pathParameter("campaignId"),
                request.body(CampaignChange.class));
        return saved.created() ? ApiResponse.created(saved.campaign()) : ApiResponse.ok(saved.campaign());
    }

    private ApiResponse forecastCampaign(ApiRequest request) {
        return ApiResponse.ok(forecasts.forecast(request.requireCaller(), request.pathParameter("campaignId"),
                request.body(CampaignForecast.Period.class)));
    }

    private ApiResponse listCampaigns(ApiRequest request) {
        return ApiResponse.ok(Map.of("campaigns", campaigns.list(request.requireCaller())));
    }

    private ApiResponse reject(ApiRequest request) {
        ReceiptReviews.Decision decision = reviews.reject(request.requireCaller(), request.pathParameter("storeId"),
                request.pathParameter("receiptId"), request.body(ReceiptReviews.Rejection.class));
        request.metrics().count("ReceiptsRejectedByReview", 1);
        return ApiResponse.ok(decision);
    }
}
