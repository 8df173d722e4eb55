package com.mallquest.core.testing;

import com.mallquest.core.api.lambda.Services;
import com.mallquest.core.domain.stores.Store;
import com.mallquest.core.domain.stores.StoreCatalogue;
import com.mallquest.local.services.RepositoryRoot;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;

/** The store seed every local run loads ({@code local/seed/StoresTable.json}), for tests. */
public final class StoreSeed {
    private StoreSeed() { }

    public static List<Store> stores() {
        try (InputStream in = Files.newInputStream(RepositoryRoot.locate().resolve("local/seed/StoresTable.json"))) {
            return StoreCatalogue.readSeed(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the seed's stores through {@code catalogue}. */
    public static void load(StoreCatalogue catalogue) {
        stores().forEach(catalogue::save);
    }

    /** Writes the seed's stores and registers their development public keys ({@link ReceiptCodes}). */
    public static void loadWithKeys(com.mallquest.core.platform.wiring.Platform core) {
        load(new Services(core).stores());
        ReceiptCodes.registerDevKeys(core);
    }
}
