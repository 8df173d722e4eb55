package com.mallquest.functions.submitreceipt;

import com.mallquest.core.api.lambda.Services;
import com.mallquest.core.platform.identity.Access;
import com.mallquest.core.platform.errors.DomainException;
import com.mallquest.core.operations.fleet.FleetRecorder;
import com.mallquest.core.api.http.ApiException;
import com.mallquest.core.api.http.ApiRequest;
import com.mallquest.core.api.http.ApiResponse;
import com.mallquest.core.api.http.DomainErrors;
import com.mallquest.core.api.http.Route;
import com.mallquest.core.api.lambda.ApiHandler;
import com.mallquest.core.platform.metrics.InvocationMetrics;
import com.mallquest.core.domain.receipts.PendingReview;
import com.mallquest.core.domain.receipts.ReceiptRequest;
import com.mallquest.core.domain.receipts.ReceiptResult;
import com.mallquest.core.domain.receipts.ReceiptService;
import com.mallquest.core.domain.receipts.Submitted;
import com.mallquest.core.domain.stores.StoreCatalogue;

import java.util.List;
import java.util.Map;

/**
 * {@code POST /receipts} (a signed-in user submits a signed receipt code: 201 credited, 200 replayed; or an unsigned
 * receipt at a {@code review} store: 202 pending review) and {@code GET /stores} (public: the active stores) over
 * {@link ReceiptService} and {@link StoreCatalogue}.
 *
 * <p>EMF per invocation, besides {@link ApiHandler}'s: {@code ReceiptsCredited}, {@code ReceiptsReplayed},
 * {@code ReceiptsPendingReview}, {@code CoinsAwarded}, {@code ReceiptsRejected} and {@code ReceiptsRejected.<code>}
 * (one per error code), with
 * the property {@code rejectReason}. Credited receipts and coins are also added to the fleet-wide business
 * counters of {@code GET /metrics} ({@link FleetRecorder#business}).
 */
public final class SubmitReceiptHandler extends ApiHandler {
    private final ReceiptService receipts;
    private final StoreCatalogue stores;

    public SubmitReceiptHandler() {
        this(Services.container());
    }

    public SubmitReceiptHandler(Services services) {
        super(services.platform());
        this.receipts = services.receipts();
        this.stores = services.stores();
    }


    @Override
    protected List<Route> routes() {
        return List.of(
                Route.post("/receipts", Access.USER, this::submit),
                Route.get("/stores", Access.PUBLIC, this::listStores));
    }

    private ApiResponse submit(ApiRequest request) {
        InvocationMetrics metrics = request.metrics();
        try {
            String userId = request.requireCaller().userId();
            Submitted answer = receipts.submit(userId, request.body(ReceiptRequest.class));
            metrics.count("ReceiptsRejected", 0);
            if (answer instanceof PendingReview review) {
                metrics.count("ReceiptsPendingReview", review.replayed() ? 0 : 1);
                return ApiResponse.accepted(review);
            }
            return credited(metrics, (ReceiptResult) answer);
        } catch (ApiException e) {
            if (e.status() < 500) {
                rejected(metrics, e.code());
            }
            throw e;
        } catch (DomainException e) {
            if (DomainErrors.status(e.kind()) < 500) {
                rejected(metrics, e.code());
            }
            throw e;
        }
    }

    private ApiResponse credited(InvocationMetrics metrics, ReceiptResult result) {
        metrics.count("ReceiptsCredited", result.replayed() ? 0 : 1)
                .count("ReceiptsReplayed", result.replayed() ? 1 : 0)
                .count("CoinsAwarded", result.replayed() ? 0 : result.coinsEarned());
        if (!result.replayed()) {
            fleet.business(FleetRecorder.RECEIPTS_CREDITED, 1);
            fleet.business(FleetRecorder.COINS_AWARDED, result.coinsEarned());
        }
        return result.replayed() ? ApiResponse.ok(result) : ApiResponse.created(result);
    }

    private static void rejected(InvocationMetrics metrics, String code) {
        metrics.count("ReceiptsRejected", 1)
                .count("ReceiptsRejected." + code, 1)
                .property("rejectReason", code);
    }

    private ApiResponse listStores(ApiRequest request) {
        return ApiResponse.ok(Map.of("stores", stores.listActive()))
                .withHeader("Cache-Control", "public, max-age=60");
    }
}
