package com.mallquest.core.testing;

import com.mallquest.core.api.lambda.Services;
import com.mallquest.core.platform.identity.Caller;
import com.mallquest.core.platform.wiring.Platform;
import com.mallquest.core.domain.receipts.ReceiptRequest;
import com.mallquest.core.domain.receipts.ReceiptSubmission;
import com.mallquest.core.domain.stores.StoreKeyRequest;
import com.mallquest.core.domain.stores.StoreKeys;
import com.mallquest.local.services.DevReceiptSigner;
import com.mallquest.local.services.RepositoryRoot;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Set;

/**
 * Receipt codes for tests, signed like a till signs them with the local seed's development keys
 * ({@link DevReceiptSigner}, {@code local/seed/DEV-ONLY-receipt-signing-keys.json}).
 *
 * <pre>{@code
 * ReceiptCodes.registerDevKeys(core);                                     // the seed's public keys, in the test's tables
 * String code = ReceiptCodes.code("zara", "R-1", "125.50", Instant.parse("2026-11-25T10:00:00Z"));
 * receipts.submit("alice", ReceiptRequest.signed(code));
 * }</pre>
 */
public final class ReceiptCodes {
    private ReceiptCodes() { }

    private static volatile DevReceiptSigner signer;

    /** The development signer of the repository. */
    public static DevReceiptSigner signer() {
        if (signer == null) {
            signer = DevReceiptSigner.load(RepositoryRoot.locate());
        }
        return signer;
    }

    /** A code of {@code storeId} signed with its development key. */
    public static String code(String storeId, String receiptId, String amount, Instant purchasedAt) {
        return signer().sign(storeId, receiptId, new BigDecimal(amount), purchasedAt, null);
    }

    /** {@code receipt} as a signed request (what a phone sends after scanning the till's QR code). */
    public static ReceiptRequest signed(ReceiptSubmission receipt) {
        return ReceiptRequest.signed(signer().sign(receipt.storeId(), receipt.receiptId(), receipt.amount(), receipt.purchasedAt(), null));
    }

    /** The JSON body {@code {"code":…}} of POST /receipts. */
    public static String body(String storeId, String receiptId, String amount, String purchasedAt) {
        return "{\"code\":\"" + code(storeId, receiptId, amount, Instant.parse(purchasedAt)) + "\"}";
    }

    /** Registers the public half of every development key through {@link StoreKeys}, as an admin would. */
    public static void registerDevKeys(Platform core) {
        StoreKeys keys = new Services(core).storeKeys();
        Caller admin = new Caller("test-admin", Set.of(Caller.ADMIN_GROUP));
        signer().keys().values().forEach(key -> keys.register(admin, key.storeId(), key.kid(),
                new StoreKeyRequest("OKP", "Ed25519", key.x(), null, null, null, null)));
    }
}
