package com.mallquest.functions.rewards;

import com.mallquest.core.api.lambda.Services;
import com.mallquest.core.platform.identity.Access;
import com.mallquest.core.platform.errors.DomainException;
import com.mallquest.core.api.http.ApiRequest;
import com.mallquest.core.api.http.ApiResponse;
import com.mallquest.core.api.http.Route;
import com.mallquest.core.api.lambda.ApiHandler;
import com.mallquest.core.platform.metrics.InvocationMetrics;
import com.mallquest.core.domain.spending.CouponService;
import com.mallquest.core.domain.spending.ReceiptRefund;
import com.mallquest.core.domain.spending.ReceiptRefunds;
import com.mallquest.core.domain.spending.Redemption;
import com.mallquest.core.domain.spending.RedemptionRequest;
import com.mallquest.core.domain.spending.RedemptionService;
import com.mallquest.core.domain.spending.RefundRequest;
import com.mallquest.core.domain.spending.RewardCatalogue;
import com.mallquest.core.domain.spending.RewardChange;

import java.util.List;
import java.util.Map;

/**
 * The spending side of the ledger over {@link RewardCatalogue}, {@link RedemptionService} and {@link CouponService}:
 * <ul>
 *   <li>{@code GET /rewards}, {@code GET /rewards/{rewardId}} (public), {@code PUT /admin/rewards/{rewardId}} (admin:
 *       201 created, 200 updated);</li>
 *   <li>{@code POST /redemptions} (a signed-in user: 201, a repeat 200), {@code GET /users/me/redemptions};</li>
 *   <li>{@code GET /coupons/{couponCode}}, {@code POST /coupons/{couponCode}/redeem} (the coupon's store staff or an admin);</li>
 *   <li>{@code POST /admin/receipts/{storeId}/{receiptId}/refund} (that store's staff or an admin: 201, a repeat 200).</li>
 * </ul>
 * EMF per invocation, besides {@link ApiHandler}'s: {@code Redemptions}, {@code CoinsSpent}, {@code RedemptionsRejected}
 * and {@code RedemptionsRejected.<code>}, {@code CouponsUsed}, {@code ReceiptRefunds}, {@code CoinsReversed}; the same business counters go to {@code GET /metrics}.
 */
public final class RewardsHandler extends ApiHandler {
    private final RewardCatalogue catalogue;
    private final RedemptionService redemptions;
    private final CouponService coupons;
    private final ReceiptRefunds refunds;

    public RewardsHandler() {
        this(Services.container());
    }

    RewardsHandler(Services services) {
        super(services.platform());
        this.catalogue = services.rewards();
        this.redemptions = services.redemptions();
        this.coupons = services.coupons();
        this.refunds = services.refunds();
    }


    @Override
    protected List<Route> routes() {
        return List.of(
                Route.get("/rewards", Access.PUBLIC, r -> ApiResponse.ok(Map.of("rewards", catalogue.listAvailable()))
                        .withHeader("Cache-Control", "public, max-age=10")),
                Route.get("/rewards/{rewardId}", Access.PUBLIC, r -> ApiResponse.ok(catalogue.available(r.pathParameter("rewardId")))),
                Route.put("/admin/rewards/{rewardId}", Access.ADMIN, this::putReward),
                Route.post("/redemptions", Access.USER, this::redeem),
                Route.get("/users/me/redemptions", Access.USER, r -> ApiResponse.ok(redemptions.list(
                        r.requireCaller().userId(), r.queryInt("limit", 20, 1, 100), r.query("cursor").orElse(null)))),
                Route.get("/coupons/{couponCode}", Access.STAFF,
                        r -> ApiResponse.ok(coupons.find(r.requireCaller(), r.pathParameter("couponCode")))),
                Route.post("/coupons/{couponCode}/redeem", Access.STAFF, this::useCoupon),
                Route.post("/admin/receipts/{storeId}/{receiptId}/refund", Access.MANAGER, this::refund));
    }

    private ApiResponse putReward(ApiRequest request) {
        RewardCatalogue.Saved saved = catalogue.put(request.requireCaller(), request.pathParameter("rewardId"), request.body(RewardChange.class));
        return saved.created() ? ApiResponse.created(saved.reward()) : ApiResponse.ok(saved.reward());
    }

    private ApiResponse redeem(ApiRequest request) {
        InvocationMetrics metrics = request.metrics();
        try {
            Redemption r = redemptions.redeem(request.requireCaller().userId(), request.body(RedemptionRequest.class));
            metrics.count("Redemptions", r.replayed() ? 0 : 1)
                    .count("CoinsSpent", r.replayed() ? 0 : r.coinsSpent())
                    .count("RedemptionsRejected", 0);
            if (!r.replayed()) {
                fleet.business("Redemptions", 1);
                fleet.business("CoinsSpent", r.coinsSpent());
            }
            return r.replayed() ? ApiResponse.ok(r) : ApiResponse.created(r);
        } catch (DomainException e) {
            if (e.kind() == DomainException.Kind.REJECTED) {
                metrics.count("RedemptionsRejected", 1)
                        .count("RedemptionsRejected." + e.code(), 1)
                        .property("rejectReason", e.code());
                fleet.business("RedemptionsRejected", 1);
            }
            throw e;
        }
    }

    private ApiResponse refund(ApiRequest request) {
        ReceiptRefund r = refunds.refund(request.requireCaller(), request.pathParameter("storeId"),
                request.pathParameter("receiptId"), request.body(RefundRequest.class));
        if (!r.replayed()) {
            request.metrics().count("ReceiptRefunds", 1).count("CoinsReversed", r.coinsReversed());
            fleet.business("ReceiptRefunds", 1);
            fleet.business("CoinsReversed", r.coinsReversed());
        }
        return r.replayed() ? ApiResponse.ok(r) : ApiResponse.created(r);
    }

    private ApiResponse useCoupon(ApiRequest request) {
        ApiResponse response = ApiResponse.ok(coupons.use(request.requireCaller(), request.pathParameter("couponCode")));
        request.metrics().count("CouponsUsed", 1);
        fleet.business("CouponsUsed", 1);
        return response;
    }
}
