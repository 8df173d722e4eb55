package com.mallquest.core.testing;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A real DynamoDB client that "dies" right after its N-th successful write reached the server: that call and
 * every later call throw {@link Crash}, like a Lambda container killed between two writes. Reads pass
 * through until then. With N = {@link Integer#MAX_VALUE} it only counts writes. {@link #beforeWrite} dies
 * instead right before the N-th write is sent. A {@code TransactWriteItems} is one write.
 */
public final class CrashingDynamoDb implements DynamoDbClient {

    /** The simulated process death. */
    public static final class Crash extends RuntimeException {
        Crash(int afterWrite) {
            super("simulated crash after write " + afterWrite, null, false, false);
        }
    }

    private final DynamoDbClient delegate;
    private final int crashAfterWrite;
    private final boolean beforeSending;
    private final AtomicInteger writes = new AtomicInteger();
    private volatile boolean dead;

    public CrashingDynamoDb(DynamoDbClient delegate, int crashAfterWrite) {
        this(delegate, crashAfterWrite, false);
    }

    private CrashingDynamoDb(DynamoDbClient delegate, int crashAfterWrite, boolean beforeSending) {
        this.delegate = delegate;
        this.crashAfterWrite = crashAfterWrite;
        this.beforeSending = beforeSending;
    }

    /** A client that dies right before its N-th write is sent: that write never reaches the server. */
    public static CrashingDynamoDb beforeWrite(DynamoDbClient delegate, int write) {
        return new CrashingDynamoDb(delegate, write, true);
    }

    /** Successful writes so far. */
    public int writes() {
        return writes.get();
    }

    public boolean crashed() {
        return dead;
    }

    private <T> T read(Supplier<T> call) {
        if (dead) {
            throw new Crash(crashAfterWrite);
        }
        return call.get();
    }

    private <T> T write(Supplier<T> call) {
        if (dead) {
            throw new Crash(crashAfterWrite);
        }
        if (beforeSending && writes.get() + 1 >= crashAfterWrite) {
            dead = true;
            throw new Crash(crashAfterWrite);
        }
        T result = call.get();
        if (writes.incrementAndGet() >= crashAfterWrite && !beforeSending) {
            dead = true;
            throw new Crash(crashAfterWrite);
        }
        return result;
    }

    @Override
    public PutItemResponse putItem(PutItemRequest request) {
        return write(() -> delegate.putItem(request));
    }

    @Override
    public UpdateItemResponse updateItem(UpdateItemRequest request) {
        return write(() -> delegate.updateItem(request));
    }

    @Override
    public DeleteItemResponse deleteItem(DeleteItemRequest request) {
        return write(() -> delegate.deleteItem(request));
    }

    @Override
    public TransactWriteItemsResponse transactWriteItems(TransactWriteItemsRequest request) {
        return write(() -> delegate.transactWriteItems(request));
    }

    @Override
    public GetItemResponse getItem(GetItemRequest request) {
        return read(() -> delegate.getItem(request));
    }

    @Override
    public QueryResponse query(QueryRequest request) {
        return read(() -> delegate.query(request));
    }

    @Override
    public ScanResponse scan(ScanRequest request) {
        return read(() -> delegate.scan(request));
    }

    @Override
    public String serviceName() {
        return delegate.serviceName();
    }

    @Override
    public void close() {
        // the delegate is shared
    }
}
