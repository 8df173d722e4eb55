package com.mallquest.core.testing;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * A real DynamoDB client whose first request matching a predicate waits, before it is sent, until the test
 * releases it: an attempt that stalls (a long GC pause, a frozen container) and wakes up after others moved on.
 */
public final class PausingDynamoDb {

    private final DynamoDbClient client;
    private final AtomicBoolean paused = new AtomicBoolean();
    private final CountDownLatch arrived = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    /** @param which the request (e.g. an {@code UpdateItemRequest}) to pause at, the first time it matches */
    public PausingDynamoDb(DynamoDbClient real, Predicate<Object> which) {
        this.client = (DynamoDbClient) Proxy.newProxyInstance(DynamoDbClient.class.getClassLoader(),
                new Class<?>[] {DynamoDbClient.class}, (proxy, method, args) -> {
                    if (args != null && args.length == 1 && which.test(args[0]) && paused.compareAndSet(false, true)) {
                        arrived.countDown();
                        release.await();
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    public DynamoDbClient client() {
        return client;
    }

    /** Waits until the matching request is paused; false if it did not come within {@code millis}. */
    public boolean awaitPaused(long millis) throws InterruptedException {
        return arrived.await(millis, TimeUnit.MILLISECONDS);
    }

    /** Lets the paused request go on. */
    public void release() {
        release.countDown();
    }
}
