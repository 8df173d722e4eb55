package com.mallquest.benchmarks;

import com.mallquest.local.services.RepositoryRoot;
import com.mallquest.local.services.SamTemplate;
import com.mallquest.local.services.TableProvisioner;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** The environment of a benchmark's {@code Platform}: fresh tables from template.yaml on the run's moto_server, and its Redis. */
final class BenchmarkBackends {
    private BenchmarkBackends() { }

    static Map<String, String> environment() {
        DynamoDbClient admin = DynamoDbClient.builder()
                .region(Region.US_EAST_1)
                .endpointOverride(URI.create(BenchmarkEnvironment.dynamoDbEndpoint()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .build();
        SamTemplate template = SamTemplate.load(RepositoryRoot.template());
        Map<String, String> tables = new TableProvisioner(admin).provision(template, "bench-" + UUID.randomUUID().toString().substring(0, 8) + "-");
        Map<String, String> env = new HashMap<>(TableProvisioner.tableVariables(template, tables));
        env.put("DYNAMODB_ENDPOINT", BenchmarkEnvironment.dynamoDbEndpoint());
        env.put("REDIS_URL", BenchmarkEnvironment.redisUrl());
        env.put("AWS_REGION", "us-east-1");
        return env;
    }
}
