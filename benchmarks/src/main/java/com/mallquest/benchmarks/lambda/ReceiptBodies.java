package com.mallquest.benchmarks.lambda;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/** Distinct receipt bodies for the load's clients: signed ahead of time while they last, then inline (counted). */
final class ReceiptBodies {
    private final SampleEvents events;
    private final Path sideRoot;
    private final String label;
    private final ConcurrentLinkedQueue<String> ready;
    private final AtomicLong inline = new AtomicLong();

    ReceiptBodies(SampleEvents events, Path sideRoot, String label, List<String> ready) {
        this.events = events;
        this.sideRoot = sideRoot;
        this.label = label;
        this.ready = new ConcurrentLinkedQueue<>(ready);
    }

    String next(int client, int n) {
        String body = ready.poll();
        if (body != null) {
            return body;
        }
        inline.incrementAndGet();
        return events.receiptBody(sideRoot, label + "-" + client + "-" + n + "-" + System.nanoTime());
    }

    long signedInline() {
        return inline.get();
    }
}
