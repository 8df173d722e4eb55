package com.mallquest.local.testsupport;

import com.mallquest.local.services.MotoServer;
import com.mallquest.local.services.RepositoryRoot;
import com.mallquest.local.services.SamTemplate;
import com.mallquest.local.services.TableProvisioner;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Gives a test the environment of a MallQuest function backed by real servers: freshly created tables (a
 * unique name prefix) on the JVM's shared moto_server and, when asked, the JVM's shared redis-server.
 *
 * <pre>{@code
 * Map<String, String> env = TestBackends.environment();     // USERS_TABLE, RECEIPTS_TABLE, STORES_TABLE, DYNAMODB_ENDPOINT, AWS_REGION
 * Platform core = Platform.fromEnvironment(env);
 * Map<String, String> withRedis = TestBackends.environmentWithRedis();   // + REDIS_URL of the shared redis-server
 * }</pre>
 *
 * <p>The table variables are the ones {@code template.yaml} declares in {@code Globals} as {@code !Ref} of a
 * table, so a new table in the template shows up here by itself. The map is mutable: add the settings a test
 * needs. Tables are never dropped: they vanish with the shared in-memory moto_server at JVM exit.
 */
public final class TestBackends {
    /** The region every local client uses. */
    public static final String REGION = "us-east-1";

    private static final Object LOCK = new Object();
    private static SamTemplate template;
    private static DynamoDbClient client;

    private TestBackends() { }

    /** A function environment with fresh tables on the shared moto_server (no Redis: the in-memory cache). */
    public static Map<String, String> environment() {
        MotoServer moto = MotoServer.shared();
        String prefix = "test-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        Map<String, String> tables;
        SamTemplate loaded;
        synchronized (LOCK) {
            if (template == null) {
                template = SamTemplate.load(RepositoryRoot.template());
            }
            loaded = template;
        }
        tables = new TableProvisioner(dynamoDb()).provision(loaded, prefix);
        Map<String, String> environment = new LinkedHashMap<>(TableProvisioner.tableVariables(loaded, tables));
        environment.put("DYNAMODB_ENDPOINT", moto.endpoint().toString());
        environment.put("AWS_REGION", REGION);
        return environment;
    }

    /**
     * {@link #environment()} plus {@code REDIS_URL} of {@link RedisServer#shared()}. The Redis server is shared
     * by every test of the JVM: use keys of your own (fresh user ids), do not flush it.
     */
    public static Map<String, String> environmentWithRedis() {
        Map<String, String> environment = environment();
        environment.put("REDIS_URL", RedisServer.shared().uri().toString());
        return environment;
    }

    /** A DynamoDB client for the shared moto_server (shared too: do not close it). */
    public static DynamoDbClient dynamoDb() {
        MotoServer moto = MotoServer.shared();
        synchronized (LOCK) {
            if (client == null) {
                client = moto.client();
            }
            return client;
        }
    }
}
