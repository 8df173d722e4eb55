package com.mallquest.functions.storeadmin;

import com.mallquest.core.api.lambda.Services;
import com.mallquest.core.platform.identity.Access;
import com.mallquest.core.platform.identity.Caller;
import com.mallquest.core.operations.fleet.FleetRecorder;
import com.mallquest.core.api.http.ApiRequest;
import com.mallquest.core.api.http.ApiResponse;
import com.mallquest.core.api.http.Route;
import com.mallquest.core.api.lambda.ApiHandler;
import com.mallquest.core.domain.receipts.ReceiptResult;
import com.mallquest.core.domain.receipts.ReceiptReviews;
import com.mallquest.core.domain.stores.StoreKey;
import com.mallquest.core.domain.stores.StoreKeyRequest;
import com.mallquest.core.domain.stores.StoreKeys;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The store-facing admin routes, for admins and a store's own staff ({@code Access.STAFF}; which store is checked
 * by the services with {@link Caller#mayManageStore}):
 * <ul>
 *   <li>{@code PUT /admin/stores/{storeId}/keys/{kid}} a public JWK (201 new, 200 the same key again, 409 another
 *       key under that id), {@code GET /admin/stores/{storeId}/keys}, {@code DELETE /admin/stores/{storeId}/keys/{kid}}
 *       (revoked) over {@link StoreKeys};</li>
 *   <li>{@code GET /admin/receipts?status=pending_review&storeId=&limit=&cursor=}, {@code POST
 *       /admin/receipts/{storeId}/{receiptId}/approve} (201 credited, 200 replayed) and {@code …/reject}
 *       {@code {"reason"}} over {@link ReceiptReviews}.</li>
 * </ul>
 */
public final class StoreAdminHandler extends ApiHandler {
    private final StoreKeys keys;
    private final ReceiptReviews reviews;

    public StoreAdminHandler() {
        this(Services.container());
    }

    StoreAdminHandler(Services services) {
        super(services.platform());
        this.keys = services.storeKeys();
        this.reviews = services.reviews();
    }


    /** A key as the API shows it. */
    record KeyView(String kid, String storeId, Map<String, String> jwk, String status, Instant createdAt, Instant revokedAt) {
        static KeyView of(StoreKey key) {
            return new KeyView(key.kid(), key.storeId(), key.jwk(), key.status(), key.createdAt(), key.revokedAt());
        }
    }

    @Override
    protected List<Route> routes() {
        return List.of(
                Route.put("/admin/stores/{storeId}/keys/{kid}", Access.STAFF, this::putKey),
                Route.get("/admin/stores/{storeId}/keys", Access.STAFF, this::listKeys),
                Route.delete("/admin/stores/{storeId}/keys/{kid}", Access.STAFF, this::revokeKey),
                Route.get("/admin/receipts", Access.STAFF, this::listReviews),
                Route.post("/admin/receipts/{storeId}/{receiptId}/approve", Access.STAFF, this::approve),
                Route.post("/admin/receipts/{storeId}/{receiptId}/reject", Access.STAFF, this::reject));
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

    private ApiResponse reject(ApiRequest request) {
        ReceiptReviews.Decision decision = reviews.reject(request.requireCaller(), request.pathParameter("storeId"),
                request.pathParameter("receiptId"), request.body(ReceiptReviews.Rejection.class));
        request.metrics().count("ReceiptsRejectedByReview", 1);
        return ApiResponse.ok(decision);
    }
}
