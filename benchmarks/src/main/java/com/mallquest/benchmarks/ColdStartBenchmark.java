package com.mallquest.benchmarks;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.net.URI;
import java.util.concurrent.TimeUnit;

/**
 * Claim: the URLConnection HTTP client gives the functions a faster cold start than the SDK's default
 * Apache client. Each fork is a fresh JVM, like a new Lambda container: the single measured call builds
 * a DynamoDB client and makes its first request (class loading, TLS-free local endpoint), which is the
 * SDK's share of a function's init.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@Fork(10)
@State(Scope.Benchmark)
public class ColdStartBenchmark {

    /** {@code baseline-apache}: the SDK default; {@code url-connection}: what the functions use. */
    @Param({"url-connection", "baseline-apache"})
    public String variant;

    @Benchmark
    public Object firstDynamoDbCall() {
        SdkHttpClient http = variant.equals("baseline-apache")
                ? ApacheHttpClient.builder().build()
                : UrlConnectionHttpClient.builder().build();
        try (DynamoDbClient client = DynamoDbClient.builder()
                .httpClient(http)
                .region(Region.US_EAST_1)
                .endpointOverride(URI.create(BenchmarkEnvironment.dynamoDbEndpoint()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .build()) {
            return client.listTables().tableNames();
        }
    }
}
