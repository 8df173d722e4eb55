package com.mallquest.core.testing;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A real DynamoDB client that records every request object it passes on (in call order), so a test can
 * assert what was asked of DynamoDB (e.g. that a query is strongly consistent), not only what came back.
 */
public final class RecordingDynamoDb {

    private final List<Object> requests = Collections.synchronizedList(new ArrayList<>());
    private final List<String> operations = Collections.synchronizedList(new ArrayList<>());
    private final DynamoDbClient client;

    public RecordingDynamoDb(DynamoDbClient real) {
        this.client = (DynamoDbClient) Proxy.newProxyInstance(DynamoDbClient.class.getClassLoader(),
                new Class<?>[] {DynamoDbClient.class}, (proxy, method, args) -> {
                    if (args != null && args.length == 1) {
                        requests.add(args[0]);
                        operations.add(method.getName());
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** The recording client. */
    public DynamoDbClient client() {
        return client;
    }

    /** The requests of type {@code type} recorded so far, in call order. */
    public <T> List<T> requests(Class<T> type) {
        synchronized (requests) {
            return requests.stream().filter(type::isInstance).map(type::cast).toList();
        }
    }

    /**
     * How many calls of each operation were sent so far ({@code putItem → 2}), in name order, whichever form the
     * caller used (a request object or a builder consumer).
     */
    public java.util.SortedMap<String, Integer> operationCounts() {
        java.util.SortedMap<String, Integer> counts = new java.util.TreeMap<>();
        synchronized (operations) {
            operations.forEach(name -> counts.merge(name, 1, Integer::sum));
        }
        return counts;
    }

    public void clear() {
        requests.clear();
        operations.clear();
    }
}
