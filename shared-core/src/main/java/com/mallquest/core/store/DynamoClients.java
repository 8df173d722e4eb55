package com.mallquest.core.store;

import com.mallquest.core.config.Settings;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

import java.time.Duration;

/** Builds the DynamoDB client: URLConnection HTTP client (fast cold start), the region, and a local endpoint when set. */
public final class DynamoClients {
    private DynamoClients() { }

    public static DynamoDbClient create(Settings settings) {
        DynamoDbClientBuilder builder = DynamoDbClient.builder()
                .httpClient(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(2))
                        .socketTimeout(Duration.ofSeconds(5))
                        .build())
                .region(Region.of(settings.region()));
        settings.dynamoDbEndpoint().ifPresent(endpoint -> builder
                .endpointOverride(endpoint)
                // A local DynamoDB-API server accepts any signature; AWS credentials are not needed there.
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"))));
        return builder.build();
    }
}
