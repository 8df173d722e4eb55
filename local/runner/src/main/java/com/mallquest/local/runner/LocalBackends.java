package com.mallquest.local.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.mallquest.local.services.MotoServer;
import com.mallquest.local.services.SamTemplate;
import com.mallquest.local.services.TableProvisioner;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The local stand-ins for the stack's backing services.
 *
 * <ul>
 *   <li>DynamoDB: {@code DYNAMODB_ENDPOINT} when set; else the moto_server another runner of this checkout already
 *       started (its endpoint is in {@code .mallquest/data/dynamodb.endpoint}); else a moto_server started here,
 *       loaded from and snapshotted to {@code .mallquest/data/dynamodb} (git-ignored) so data survives a stop and a
 *       start (not a crash: moto keeps everything in memory; see {@link MotoServer}). The template's
 *       tables are created there ({@link TableProvisioner}) and, when empty, loaded from
 *       {@code local/seed/<TableLogicalId>.json} (a JSON array of items written as plain JSON).</li>
 *   <li>Cache: {@code REDIS_URL} when set (a warning when nothing answers there: the functions fall back to
 *       memory), else a {@code redis-server} started here on a free loopback port, without persistence, and stopped
 *       with the runner: every function of the stack shares it, as the deployed functions share the cache.</li>
 * </ul>
 */
public final class LocalBackends implements AutoCloseable {

    static final String ENDPOINT_FILE = ".mallquest/data/dynamodb.endpoint";
    static final String DATA_DIR = ".mallquest/data/dynamodb";
    static final String SEED_DIR = "local/seed";

    private final URI dynamoDbEndpoint;
    private final Map<String, String> tableNames;
    private final String cacheUrl;
    private final MotoServer ownDynamoDb;
    private final Path endpointFile;
    private final LocalRedis ownRedis;

    private LocalBackends(URI dynamoDbEndpoint, Map<String, String> tableNames, String cacheUrl, MotoServer ownDynamoDb, Path endpointFile,
                          LocalRedis ownRedis) {
        this.dynamoDbEndpoint = dynamoDbEndpoint;
        this.tableNames = tableNames;
        this.cacheUrl = cacheUrl;
        this.ownDynamoDb = ownDynamoDb;
        this.endpointFile = endpointFile;
        this.ownRedis = ownRedis;
    }

    /**
     * Makes the services available: finds or starts DynamoDB, creates the tables (names {@code tablePrefix} +
     * logical id) and loads the seed data of empty tables.
     */
    public static LocalBackends start(SamTemplate template, Path root, Map<String, String> shell, String tablePrefix, Consumer<String> out) {
        MotoServer started = null;
        Path endpointFile = root.resolve(ENDPOINT_FILE);
        URI endpoint;
        String configured = shell.get("DYNAMODB_ENDPOINT");
        if (configured != null && !configured.isBlank()) {
            endpoint = URI.create(configured.trim());
            out.accept("DynamoDB: " + endpoint + " (DYNAMODB_ENDPOINT)");
        } else {
            requireMotoServer(shell);
            URI running = runningServer(endpointFile);
            if (running != null) {
                endpoint = running;
                out.accept("DynamoDB: moto_server already running for this checkout at " + endpoint);
            } else {
                try {
                    started = MotoServer.start(root.resolve(DATA_DIR));
                } catch (IllegalStateException e) {
                    throw new UserError(e.getMessage(), e);
                }
                endpoint = started.endpoint();
                try {
                    Files.createDirectories(endpointFile.getParent());
                    Files.writeString(endpointFile, endpoint.toString(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UserError("Cannot write " + endpointFile + ": " + e.getMessage());
                }
                out.accept("DynamoDB: moto_server at " + endpoint + ", data snapshotted in " + root.resolve(DATA_DIR) + " when start-api stops");
            }
        }
        Map<String, String> tables;
        try (DynamoDbClient client = client(endpoint)) {
            tables = new TableProvisioner(client).provision(template, tablePrefix);
            seed(client, root.resolve(SEED_DIR), tables, out);
        } catch (SdkException e) {
            if (started != null) {
                started.stop();
            }
            throw new UserError("DynamoDB at " + endpoint + " did not answer as expected: " + e.getMessage(), e);
        } catch (TableProvisioner.TableLayoutMismatch e) {
            if (started != null) {
                started.stop();
            }
            String fix = configured != null && !configured.isBlank()
                    ? "delete that table at " + endpoint + " or choose another --table-prefix"
                    : "stop start-api and delete " + root.resolve(DATA_DIR) + " to start with fresh local tables";
            throw new UserError(e.getMessage() + " (made by an older checkout): " + fix, e);
        }
        String cacheUrl = shell.getOrDefault("REDIS_URL", "").trim();
        LocalRedis redis = null;
        if (cacheUrl.isEmpty()) {
            try {
                redis = LocalRedis.start(shell);
            } catch (UserError e) {
                if (started != null) {
                    started.stop();
                }
                throw e;
            }
            cacheUrl = redis.uri().toString();
            out.accept("Cache: redis-server at " + cacheUrl + " (no persistence; set REDIS_URL to use another Redis)");
        } else {
            URI uri = URI.create(cacheUrl);
            if (!reachable(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort())) {
                out.accept("WARNING: nothing answers at REDIS_URL=" + cacheUrl + "; the functions will fall back to their in-memory cache");
            } else {
                out.accept("Cache: " + cacheUrl + " (REDIS_URL)");
            }
        }
        return new LocalBackends(endpoint, tables, cacheUrl, started, started == null ? null : endpointFile, redis);
    }

    public URI dynamoDbEndpoint() {
        return dynamoDbEndpoint;
    }

    /** Table logical id to local name. */
    public Map<String, String> tableNames() {
        return tableNames;
    }

    /** What a reference to the cache endpoint resolves to: {@code REDIS_URL}, or the URL of the runner's own redis-server. */
    public String cacheUrl() {
        return cacheUrl;
    }

    /** The variables every function gets for these services. */
    public Map<String, String> functionVariables(Map<String, String> shell) {
        Map<String, String> variables = new LinkedHashMap<>();
        variables.put("DYNAMODB_ENDPOINT", dynamoDbEndpoint.toString());
        variables.put("REDIS_CLUSTER", shell.getOrDefault("REDIS_CLUSTER", "false"));
        return variables;
    }

    @Override
    public void close() {
        if (ownRedis != null) {
            ownRedis.close();
        }
        if (ownDynamoDb != null) {
            try {
                Files.deleteIfExists(endpointFile);
            } catch (IOException ignored) {
                // best effort
            }
            ownDynamoDb.stop();
        }
    }

    /** Fails with the install command when neither {@code MOTO_SERVER_BIN} nor {@code moto_server} on the shell's PATH exists. */
    static void requireMotoServer(Map<String, String> shell) {
        String configured = shell.getOrDefault(MotoServer.BIN_VARIABLE, "");
        if (!configured.isBlank() ? Files.isExecutable(Path.of(configured)) : MotoServer.onPath(shell.getOrDefault("PATH", "")).isPresent()) {
            return;
        }
        throw new UserError("moto_server, the local DynamoDB, is not installed (not on PATH): " + MotoServer.INSTALL_COMMAND
                + " (or set DYNAMODB_ENDPOINT to a running DynamoDB-API server)");
    }

    private static URI runningServer(Path endpointFile) {
        try {
            if (!Files.isRegularFile(endpointFile)) {
                return null;
            }
            URI uri = URI.create(Files.readString(endpointFile, StandardCharsets.UTF_8).trim());
            return reachable(uri.getHost(), uri.getPort()) ? uri : null;
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean reachable(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 300);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static DynamoDbClient client(URI endpoint) {
        return DynamoDbClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(2)).socketTimeout(Duration.ofSeconds(10)).build())
                .build();
    }

    /** Loads {@code <seedDir>/<LogicalId>.json} into each table that is still empty. */
    static void seed(DynamoDbClient client, Path seedDir, Map<String, String> tables, Consumer<String> out) {
        for (Map.Entry<String, String> table : tables.entrySet()) {
            Path file = seedDir.resolve(table.getKey() + ".json");
            if (!Files.isRegularFile(file)) {
                continue;
            }
            if (client.scan(b -> b.tableName(table.getValue()).limit(1)).count() > 0) {
                continue;
            }
            JsonNode items;
            try {
                items = JsonText.parse(Files.readAllBytes(file), "Seed file " + file);
            } catch (IOException e) {
                throw new UserError("Cannot read seed file " + file + ": " + e.getMessage());
            }
            if (!items.isArray()) {
                throw new UserError("Seed file " + file + " must be a JSON array of items");
            }
            List<WriteRequest> batch = new ArrayList<>();
            for (JsonNode item : items) {
                if (!item.isObject()) {
                    throw new UserError("Seed file " + file + ": every item must be a JSON object");
                }
                batch.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item(item)).build()).build());
                if (batch.size() == 25) {
                    write(client, table.getValue(), batch);
                    batch = new ArrayList<>();
                }
            }
            if (!batch.isEmpty()) {
                write(client, table.getValue(), batch);
            }
            out.accept("Seeded " + table.getValue() + " with " + items.size() + " items from " + file.getFileName());
        }
    }

    private static void write(DynamoDbClient client, String table, List<WriteRequest> batch) {
        Map<String, List<WriteRequest>> pending = Map.of(table, batch);
        for (int attempt = 0; !pending.isEmpty() && attempt < 10; attempt++) {
            Map<String, List<WriteRequest>> request = pending;
            BatchWriteItemResponse response = client.batchWriteItem(b -> b.requestItems(request));
            pending = response.unprocessedItems();
        }
        if (!pending.isEmpty()) {
            throw new UserError("Could not write the seed data of " + table);
        }
    }

    /** A plain JSON object as a DynamoDB item: strings S, numbers N, booleans BOOL, null NULL, arrays L, objects M. */
    static Map<String, AttributeValue> item(JsonNode object) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            item.put(field.getKey(), attribute(field.getValue()));
        }
        return item;
    }

    private static AttributeValue attribute(JsonNode value) {
        if (value.isTextual()) {
            return AttributeValue.fromS(value.asText());
        }
        if (value.isNumber()) {
            return AttributeValue.fromN(value.asText());
        }
        if (value.isBoolean()) {
            return AttributeValue.fromBool(value.asBoolean());
        }
        if (value.isArray()) {
            List<AttributeValue> list = new ArrayList<>();
            value.forEach(v -> list.add(attribute(v)));
            return AttributeValue.fromL(list);
        }
        if (value.isObject()) {
            return AttributeValue.fromM(item(value));
        }
        if (value.isBinary()) {
            try {
                return AttributeValue.fromB(SdkBytes.fromByteArray(value.binaryValue()));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return AttributeValue.fromNul(true);
    }
}
