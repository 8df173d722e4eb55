package com.mallquest.core.platform.config;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SettingsTest {

    private static Map<String, String> minimal() {
        Map<String, String> env = new HashMap<>();
        env.put("USERS_TABLE", "users");
        env.put("RECEIPTS_TABLE", "receipts");
        env.put("STORES_TABLE", "stores");
        return env;
    }

    @Test
    void fromEnvironment_shouldApplyDocumentedDefaults_whenOnlyRequiredVariablesAreSet() {
        // WHEN
        Settings s = Settings.fromEnvironment(minimal());
        // THEN
        assertEquals("users", s.usersTable());
        assertEquals("us-east-1", s.region());
        assertTrue(s.redisUrl().isEmpty());
        assertTrue(s.dynamoDbEndpoint().isEmpty());
        assertFalse(s.redisCluster());
        assertEquals(Duration.ofMillis(250), s.redisTimeout());
        assertEquals(10, s.receiptRateLimit().permits());
        assertEquals(Duration.ofSeconds(60), s.receiptRateLimit().window());
        assertEquals(20, s.userReadRateLimit().permits());
        assertEquals(Duration.ofSeconds(300), s.userCacheTtl());
        assertEquals(5, s.effectsMaxPerSecond());
        assertEquals(100, s.effectsMaxActive());
        assertEquals(16_384, s.maxBodyBytes());
        assertEquals("MallQuest", s.metricsNamespace());
    }

    @Test
    void fromEnvironment_shouldNameTheVariable_whenARequiredOneIsMissing() {
        // GIVEN
        Map<String, String> env = minimal();
        env.remove("RECEIPTS_TABLE");
        // WHEN
        SettingsException e = assertThrows(SettingsException.class, () -> Settings.fromEnvironment(env));
        // THEN
        assertTrue(e.getMessage().contains("RECEIPTS_TABLE"), e.getMessage());
    }

    @Test
    void fromEnvironment_shouldTreatABlankValueAsMissing() {
        Map<String, String> env = minimal();
        env.put("USERS_TABLE", "  ");
        SettingsException e = assertThrows(SettingsException.class, () -> Settings.fromEnvironment(env));
        assertTrue(e.getMessage().contains("USERS_TABLE"));
    }

    @Test
    void fromEnvironment_shouldParseOverrides() {
        // GIVEN
        Map<String, String> env = minimal();
        env.put("REDIS_URL", "rediss://cache.example:6379");
        env.put("REDIS_CLUSTER", "true");
        env.put("DYNAMODB_ENDPOINT", "http://127.0.0.1:8000");
        env.put("RECEIPT_RATE_LIMIT", "3/2m");
        env.put("AWS_REGION", "eu-west-1");
        // WHEN
        Settings s = Settings.fromEnvironment(env);
        // THEN
        assertEquals(URI.create("rediss://cache.example:6379"), s.redisUrl().orElseThrow());
        assertTrue(s.redisCluster());
        assertEquals(URI.create("http://127.0.0.1:8000"), s.dynamoDbEndpoint().orElseThrow());
        assertEquals(3, s.receiptRateLimit().permits());
        assertEquals(Duration.ofMinutes(2), s.receiptRateLimit().window());
        assertEquals("eu-west-1", s.region());
    }

    @Test
    void fromEnvironment_shouldRejectMalformedValues_namingTheVariable() {
        for (Map.Entry<String, String> bad : Map.of(
                "RECEIPT_RATE_LIMIT", "ten per minute",
                "REDIS_CLUSTER", "maybe",
                "MAX_BODY_BYTES", "12kb",
                "EFFECTS_MAX_ACTIVE", "0",
                "REDIS_URL", "not a url").entrySet()) {
            Map<String, String> env = minimal();
            env.put(bad.getKey(), bad.getValue());
            SettingsException e = assertThrows(SettingsException.class, () -> Settings.fromEnvironment(env), bad.getKey());
            assertTrue(e.getMessage().contains(bad.getKey()), e.getMessage());
        }
    }
}
