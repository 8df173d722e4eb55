package com.mallquest.core.platform.dynamo;

import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkPlugin;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.core.metrics.CoreMetric;
import software.amazon.awssdk.metrics.MetricCollection;
import software.amazon.awssdk.metrics.MetricPublisher;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes any number of puts and deletes (to any tables) with DynamoDB's {@code BatchWriteItem}, 25 per call,
 * without losing any: what is not confirmed is reported per write.
 *
 * <pre>{@code
 * BatchWriter writer = BatchWriter.builder(dynamoDb).maxAttempts(8).build();   // once per container
 * BatchWriteResult result = writer.write(List.of(BatchWrite.put(table, item), BatchWrite.delete(table, key)));
 * result.failures().forEach(f -> log(f.write(), f.reason()));
 * }</pre>
 *
 * <p>How failures are retried:
 * <ul>
 *   <li><b>A whole call throttled or failing</b> ({@code ProvisionedThroughputExceededException},
 *   {@code ThrottlingException}, {@code RequestLimitExceeded}, 5xx, I/O): retried by the SDK's own retry
 *   strategy, which this writer sets for its calls (a request-level plugin, so the caller's client keeps its
 *   own): up to {@link Builder#callAttempts} HTTP requests per call, exponential backoff with full jitter
 *   between {@link Builder#baseDelay} and {@link Builder#maxDelay}, no circuit breaker. If the SDK gives up,
 *   the writer backs off and calls again, as for unprocessed items.</li>
 *   <li><b>{@code UnprocessedItems}</b> (a successful response; the SDK cannot see them): the writer calls
 *   again with exactly those items after an exponential full-jitter delay, up to {@link Builder#maxAttempts}
 *   calls per chunk of 25.</li>
 *   <li>A non-retryable error ({@code ValidationException}, ...) fails its chunk's writes at once.</li>
 * </ul>
 * Worst case per chunk: {@code maxAttempts × callAttempts} HTTP requests. Without throttling, N writes take
 * {@code ceil(N / 25)} calls (1,000 writes = 40).
 *
 * <p>Two writes with the same key in one {@link #write} call are refused up front
 * ({@link IllegalArgumentException}, nothing written): DynamoDB refuses a batch holding duplicates, and the
 * order of two writes to one item inside a batch would be undefined. The key attributes of each table are
 * read once with {@code DescribeTable} (cached) unless declared with {@link Builder#keySchema}.
 *
 * <p>Chunks run one after the other in the caller's thread, or up to {@link Builder#parallelism} at a time
 * on a given {@link Executor}. Thread-safe; build one per container and reuse it.
 */
public final class BatchWriter {
    /** The most writes one {@code BatchWriteItem} call may carry. */
    public static final int MAX_BATCH_SIZE = 25;

    private final DynamoDbClient dynamoDb;
    private final int maxAttempts;
    private final BackoffStrategy backoff;
    private final RetryStrategy callRetryStrategy;
    private final Executor executor;
    private final int parallelism;
    private final Map<String, List<String>> keyAttributes = new ConcurrentHashMap<>();

    private BatchWriter(Builder builder) {
        this.dynamoDb = builder.dynamoDb;
        this.maxAttempts = builder.maxAttempts;
        this.backoff = BackoffStrategy.exponentialDelay(builder.baseDelay, builder.maxDelay);
        this.callRetryStrategy = AwsRetryStrategy.standardRetryStrategy().toBuilder()
                .maxAttempts(builder.callAttempts)
                .backoffStrategy(backoff)
                .throttlingBackoffStrategy(backoff)
                .circuitBreakerEnabled(false)
                .build();
        this.executor = builder.executor;
        this.parallelism = builder.parallelism;
        this.keyAttributes.putAll(builder.keySchemas);
    }

    /** A builder writing through {@code dynamoDb} (shared, not closed by the writer). */
    public static Builder builder(DynamoDbClient dynamoDb) {
        return new Builder(dynamoDb);
    }

    /**
     * Writes every put and delete, in chunks of at most 25, and reports what was confirmed and what was not.
     * Never throws for a write that could not be made (it is in {@link BatchWriteResult#failures()}).
     *
     * @throws IllegalArgumentException when two writes address the same item, or a put lacks a key attribute
     *                                  (before anything is written)
     */
    public BatchWriteResult write(Collection<BatchWrite> writes) {
        List<Entry> entries = entries(writes);
        List<List<Entry>> chunks = new ArrayList<>();
        for (int from = 0; from < entries.size(); from += MAX_BATCH_SIZE) {
            chunks.add(entries.subList(from, Math.min(entries.size(), from + MAX_BATCH_SIZE)));
        }
        Tally tally = new Tally();
        if (executor == null || parallelism == 1 || chunks.size() <= 1) {
            chunks.forEach(chunk -> writeChunk(chunk, tally));
        } else {
            ConcurrentLinkedQueue<List<Entry>> queue = new ConcurrentLinkedQueue<>(chunks);
            Runnable worker = () -> {
                for (List<Entry> chunk = queue.poll(); chunk != null; chunk = queue.poll()) {
                    writeChunk(chunk, tally);
                }
            };
            CompletableFuture<?>[] workers = new CompletableFuture<?>[Math.min(parallelism, chunks.size())];
            for (int i = 0; i < workers.length; i++) {
                workers[i] = CompletableFuture.runAsync(worker, executor);
            }
            CompletableFuture.allOf(workers).join(); // writeChunk reports every problem as failures, it does not throw
        }
        List<BatchWriteResult.Failure> failures = new ArrayList<>(tally.failures);
        return new BatchWriteResult(entries.size(), entries.size() - failures.size(), failures, tally.calls.get(), tally.requests.get());
    }

    /** Validates the writes and refuses two writes to one item. */
    private List<Entry> entries(Collection<BatchWrite> writes) {
        Objects.requireNonNull(writes, "writes");
        Map<ItemKey, BatchWrite> seen = new HashMap<>();
        List<Entry> entries = new ArrayList<>(writes.size());
        for (BatchWrite write : writes) {
            Objects.requireNonNull(write, "a batch write is null");
            ItemKey key = keyOf(write);
            BatchWrite earlier = seen.putIfAbsent(key, write);
            if (earlier != null) {
                throw new IllegalArgumentException("Two writes to the same item in one batch (DynamoDB refuses duplicates): table "
                        + write.table() + ", key " + key.key());
            }
            entries.add(new Entry(write, key));
        }
        return entries;
    }

    private ItemKey keyOf(BatchWrite write) {
        List<String> names = keyAttributes.computeIfAbsent(write.table(), this::describeKeyAttributes);
        Map<String, AttributeValue> key = new LinkedHashMap<>();
        for (String name : names) {
            AttributeValue value = write.attributes().get(name);
            if (value == null) {
                throw new IllegalArgumentException("A batch " + (write.delete() ? "delete" : "put") + " on " + write.table()
                        + " lacks the key attribute " + name);
            }
            key.put(name, value);
        }
        return new ItemKey(write.table(), key);
    }

    private List<String> describeKeyAttributes(String table) {
        List<KeySchemaElement> schema = dynamoDb.describeTable(b -> b.tableName(table)).table().keySchema();
        return schema.stream()
                .sorted((a, b) -> a.keyType() == KeyType.HASH ? -1 : b.keyType() == KeyType.HASH ? 1 : 0)
                .map(KeySchemaElement::attributeName)
                .toList();
    }

    /** Writes one chunk until every item is confirmed, fails for good, or the attempts are spent. */
    private void writeChunk(List<Entry> chunk, Tally tally) {
        Map<ItemKey, Entry> byKey = new HashMap<>();
        chunk.forEach(entry -> byKey.put(entry.key, entry));
        Map<String, List<WriteRequest>> pending = new LinkedHashMap<>();
        for (Entry entry : chunk) {
            pending.computeIfAbsent(entry.write.table(), t -> new ArrayList<>()).add(entry.write.toWriteRequest());
        }
        String reason = null;
        int attempt = 0;
        while (!pending.isEmpty() && attempt < maxAttempts) {
            if (attempt > 0 && !pause(attempt)) {
                reason = "interrupted before all writes were confirmed";
                break;
            }
            attempt++;
            tally.calls.incrementAndGet();
            BatchWriteItemResponse response;
            BatchWriteItemRequest request = BatchWriteItemRequest.builder()
                    .requestItems(pending)
                    .overrideConfiguration(o -> o.addPlugin(retryPlugin()).addMetricPublisher(new RequestCounter(tally.requests)))
                    .build();
            try {
                response = dynamoDb.batchWriteItem(request);
            } catch (SdkException e) {
                reason = describe(e);
                if (retryable(e)) {
                    continue; // the SDK gave up on this call; back off and call again with the same items
                }
                break;
            }
            Map<String, List<WriteRequest>> unprocessed = response.hasUnprocessedItems() ? response.unprocessedItems() : Map.of();
            pending = new LinkedHashMap<>();
            for (Map.Entry<String, List<WriteRequest>> table : unprocessed.entrySet()) {
                if (!table.getValue().isEmpty()) {
                    pending.put(table.getKey(), new ArrayList<>(table.getValue())); // retried as handed back, as DynamoDB asks
                }
            }
            reason = "still unprocessed (UnprocessedItems) after " + maxAttempts + " BatchWriteItem calls";
        }
        if (pending.isEmpty()) {
            return;
        }
        for (Map.Entry<String, List<WriteRequest>> table : pending.entrySet()) {
            for (WriteRequest request : table.getValue()) {
                BatchWrite write = BatchWrite.of(table.getKey(), request);
                Entry entry = byKey.get(keyOfReturned(write));
                tally.failures.add(new BatchWriteResult.Failure(entry != null ? entry.write : write, reason, attempt));
            }
        }
    }

    /** The key of a write DynamoDB handed back; a put missing its key attributes is keyed by its whole item. */
    private ItemKey keyOfReturned(BatchWrite write) {
        try {
            return keyOf(write);
        } catch (IllegalArgumentException e) {
            return new ItemKey(write.table(), write.attributes());
        }
    }

    /** Sleeps the full-jitter delay before retry {@code attempt}; false when interrupted. */
    private boolean pause(int attempt) {
        Duration delay = backoff.computeDelay(attempt);
        try {
            Thread.sleep(delay.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Sets this writer's retry strategy on one request (the client's own strategy stays as it is). */
    private SdkPlugin retryPlugin() {
        return config -> {
            ClientOverrideConfiguration current = config.overrideConfiguration();
            ClientOverrideConfiguration.Builder override = current == null ? ClientOverrideConfiguration.builder() : current.toBuilder();
            config.overrideConfiguration(override.retryStrategy(callRetryStrategy).build());
        };
    }

    /** Throttling, 5xx, and client-side I/O failures (connection refused, timeouts) are worth another call. */
    private static boolean retryable(SdkException e) {
        if (e.retryable()) {
            return true;
        }
        if (e instanceof SdkServiceException service) {
            return service.isThrottlingException() || service.statusCode() >= 500;
        }
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    private static String describe(SdkException e) {
        if (e instanceof SdkServiceException service && service.isThrottlingException()) {
            return "throttled: " + e.getMessage();
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    /** Counts the HTTP requests of one call: 1 + the SDK's retries. Published synchronously by the sync client. */
    private record RequestCounter(AtomicInteger requests) implements MetricPublisher {
        @Override
        public void publish(MetricCollection metrics) {
            List<Integer> retries = metrics.metricValues(CoreMetric.RETRY_COUNT);
            requests.addAndGet(1 + (retries.isEmpty() ? 0 : retries.get(0)));
        }

        @Override
        public void close() { }
    }

    private record Entry(BatchWrite write, ItemKey key) { }

    private record ItemKey(String table, Map<String, AttributeValue> key) { }

    private static final class Tally {
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger requests = new AtomicInteger();
        final ConcurrentLinkedQueue<BatchWriteResult.Failure> failures = new ConcurrentLinkedQueue<>();
    }

    /** Configuration of a {@link BatchWriter}; every value has a default. */
    public static final class Builder {
        private final DynamoDbClient dynamoDb;
        private int maxAttempts = 8;
        private int callAttempts = 4;
        private Duration baseDelay = Duration.ofMillis(25);
        private Duration maxDelay = Duration.ofSeconds(2);
        private Executor executor;
        private int parallelism = 1;
        private final Map<String, List<String>> keySchemas = new HashMap<>();

        private Builder(DynamoDbClient dynamoDb) {
            this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        }

        /** {@code BatchWriteItem} calls per chunk (first try + retries of unprocessed items). Default 8. */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1");
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /** HTTP requests per call when it is throttled or fails transiently (the SDK's retries). Default 4. */
        public Builder callAttempts(int callAttempts) {
            if (callAttempts < 1) {
                throw new IllegalArgumentException("callAttempts must be at least 1");
            }
            this.callAttempts = callAttempts;
            return this;
        }

        /** Base of the exponential backoff (full jitter). Default 25 ms. */
        public Builder baseDelay(Duration baseDelay) {
            this.baseDelay = requirePositive(baseDelay, "baseDelay");
            return this;
        }

        /** Cap of one backoff delay. Default 2 s. */
        public Builder maxDelay(Duration maxDelay) {
            this.maxDelay = requirePositive(maxDelay, "maxDelay");
            return this;
        }

        /** Runs up to {@code parallelism} chunks at a time on {@code executor}. Default: one at a time, caller's thread. */
        public Builder parallel(Executor executor, int parallelism) {
            if (parallelism < 1) {
                throw new IllegalArgumentException("parallelism must be at least 1");
            }
            this.executor = Objects.requireNonNull(executor, "executor");
            this.parallelism = parallelism;
            return this;
        }

        /** Declares a table's key attributes (partition key, then sort key if any), sparing a {@code DescribeTable}. */
        public Builder keySchema(String table, String partitionKey, String... sortKey) {
            if (sortKey.length > 1) {
                throw new IllegalArgumentException("A DynamoDB key has at most one sort key");
            }
            List<String> names = new ArrayList<>();
            names.add(partitionKey);
            names.addAll(List.of(sortKey));
            keySchemas.put(table, List.copyOf(names));
            return this;
        }

        public BatchWriter build() {
            if (maxDelay.compareTo(baseDelay) < 0) {
                throw new IllegalArgumentException("maxDelay must not be below baseDelay");
            }
            return new BatchWriter(this);
        }

        private static Duration requirePositive(Duration duration, String name) {
            if (duration == null || duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException(name + " must be positive");
            }
            return duration;
        }
    }
}
