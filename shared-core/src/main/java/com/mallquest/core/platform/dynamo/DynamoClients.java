package com.mallquest.core.platform.dynamo;

import com.mallquest.core.platform.config.Settings;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

import java.time.Duration;

/**
 * Builds the DynamoDB client: the Apache HTTP client (warm calls 2–3× cheaper than URLConnection's, at some
 * cold-start cost: docs/performance.md), the region, a local endpoint when set, and time budgets that fit a Lambda
 * invocation: the SDK's standard retry strategy with {@value #MAX_ATTEMPTS} attempts, {@code 2 s} per attempt and
 * {@code 5 s} per call, where the SDK's DynamoDB default would retry up to 9 times with backoff of up to 20 s,
 * longer than a function's timeout.
 */
public final class DynamoClients {
    static final int MAX_ATTEMPTS = 3;
    static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(2);
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);

    private DynamoClients() { }

    public static DynamoDbClient create(Settings settings) {
        DynamoDbClientBuilder builder = DynamoDbClient.builder()
                .httpClient(ApacheHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(2))
                        .socketTimeout(Duration.ofSeconds(5))
                        .build())
                .region(Region.of(settings.region()))
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(MAX_ATTEMPTS).build())
                        .apiCallAttemptTimeout(ATTEMPT_TIMEOUT)
                        .apiCallTimeout(CALL_TIMEOUT)
                        .build());
        settings.dynamoDbEndpoint().ifPresent(endpoint -> builder
                .endpointOverride(endpoint)
                // A local DynamoDB-API server accepts any signature; AWS credentials are not needed there.
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"))));
        return builder.build();
    }
}
