package com.mallquest.local.services;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The template's alarms and dashboard (docs/operations.md, Alarms and the dashboard): every HTTP function has its 5xx-rate
 * alarm, every alarm notifies the topic, thresholds are parameters, the dashboard is JSON that names only what the
 * template has. The alarms checked are those CloudFormation deploys: the template's {@code Fn::ForEach} loops expanded
 * ({@link SamTemplate#root()}). (That the template as a whole is SAM-valid: {@link TemplateSchemaTest}; that
 * cfn-lint passes: {@link CfnLintTest}.)
 */
class MonitoringTemplateTest {

    private static final SamTemplate TEMPLATE = SamTemplate.load(RepositoryRoot.template());
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** PutMetricAlarm's limit on the {@code Metrics} array. */
    private static final int CLOUDWATCH_METRICS_PER_ALARM = 10;

    private static Map<String, SamTemplate.Resource> alarms() {
        return TEMPLATE.resourcesOfType("AWS::CloudWatch::Alarm");
    }

    @Test
    void everyHttpFunction_shouldHaveA5xxRateAlarm_onItsOwnEmfFigures() {
        List<String> missing = new ArrayList<>();
        for (var fn : TEMPLATE.resourcesOfType("AWS::Serverless::Function").values()) {
            boolean http = MAPPER.valueToTree(fn.properties().getOrDefault("Events", Map.of())).toString().contains("\"HttpApi\"");
            if (!http) {
                continue;
            }
            SamTemplate.Resource alarm = alarms().get(fn.logicalId() + "ServerErrorRateAlarm");
            if (alarm == null) {
                missing.add(fn.logicalId() + "ServerErrorRateAlarm (add it to Fn::ForEach::ServerErrorRateAlarms)");
                continue;
            }
            String metrics = MAPPER.valueToTree(alarm.properties().get("Metrics")).toString();
            assertTrue(metrics.contains("\"ServerErrors\"") && metrics.contains("\"Requests\"")
                    && metrics.contains("{\"Ref\":\"" + fn.logicalId() + "\"}"), fn.logicalId() + ": " + metrics);
        }
        assertTrue(missing.isEmpty(), "HTTP functions without a 5xx-rate alarm: " + missing);
    }

    @Test
    void theIssuesAlarms_shouldAllBeThere_notifyTheTopic_andTakeTheirThresholdsFromParameters() {
        Set<String> expected = Set.of("ReceiptsLatencyP99Alarm", "UserLatencyP99Alarm",
                "CleanupNotRunningAlarm", "CleanupFailingAlarm", "PendingCreditsOverdueAlarm", "CacheFallbackAlarm");
        assertTrue(alarms().keySet().containsAll(expected), "alarms: " + alarms().keySet());
        List<String> problems = new ArrayList<>();
        for (var alarm : alarms().values()) {
            Map<String, Object> p = alarm.properties();
            if (!Map.of("Ref", "AlarmTopic").equals(((List<?>) p.get("AlarmActions")).get(0))) {
                problems.add(alarm.logicalId() + ": AlarmActions is not the AlarmTopic");
            }
            Object threshold = p.get("Threshold");
            boolean fromParameter = threshold instanceof Map<?, ?> ref && TEMPLATE.parameters().containsKey(String.valueOf(ref.get("Ref")));
            boolean fixedOne = String.valueOf(threshold).equals("1") && alarm.logicalId().startsWith("Cleanup");
            if (!fromParameter && !fixedOne) {
                problems.add(alarm.logicalId() + ": Threshold " + threshold + " is no parameter");
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        // AND the topic mails the AlarmEmail parameter, only when one is given
        SamTemplate.Resource subscription = TEMPLATE.resource("AlarmEmailSubscription").orElseThrow();
        assertEquals("HasAlarmEmail", subscription.declaration().get("Condition"));
        assertEquals(Map.of("Ref", "AlarmEmail"), subscription.properties().get("Endpoint"));
        assertEquals("", String.valueOf(TEMPLATE.parameters().get("AlarmEmail").get("Default")));
    }

    @Test
    void everyFunction_shouldHaveAThrottlesAlarm_onItsOwnThrottles() {
        List<String> problems = new ArrayList<>();
        for (var fn : TEMPLATE.resourcesOfType("AWS::Serverless::Function").values()) {
            SamTemplate.Resource alarm = alarms().get(fn.logicalId() + "ThrottlesAlarm");
            if (alarm == null) {
                problems.add(fn.logicalId() + "ThrottlesAlarm is missing (add it to Fn::ForEach::ThrottlesAlarms)");
                continue;
            }
            Map<String, Object> p = alarm.properties();
            if (!"AWS/Lambda".equals(p.get("Namespace")) || !"Throttles".equals(p.get("MetricName"))
                    || !List.of(Map.of("Name", "FunctionName", "Value", Map.of("Ref", fn.logicalId()))).equals(p.get("Dimensions"))
                    || !Map.of("Ref", "ThrottlesThreshold").equals(p.get("Threshold"))) {
                problems.add(alarm.logicalId() + " does not read " + fn.logicalId() + "'s AWS/Lambda Throttles against ThrottlesThreshold: " + p);
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void thePerFunctionAlarms_shouldBeWrittenOnce_asLoopsOverTheFunctions() {
        // GIVEN the resources as written in template.yaml
        Map<String, Object> written = SamTemplate.map(TEMPLATE.written().get("Resources"), "Resources");
        // WHEN / THEN no per-function alarm is written out by hand: each shape is one Fn::ForEach loop
        List<String> byHand = written.keySet().stream()
                .filter(id -> id.endsWith("ServerErrorRateAlarm") || id.endsWith("ThrottlesAlarm")).toList();
        assertTrue(byHand.isEmpty(), "write these as part of their Fn::ForEach loop: " + byHand);
        assertTrue(written.keySet().containsAll(List.of("Fn::ForEach::ServerErrorRateAlarms", "Fn::ForEach::ThrottlesAlarms")),
                written.keySet().toString());
    }

    @Test
    void everyHttpFunction_shouldBeInTheFallbackAlarm() {
        String fallback = MAPPER.valueToTree(alarms().get("CacheFallbackAlarm").properties().get("Metrics")).toString();
        List<String> missing = new ArrayList<>();
        for (var fn : TEMPLATE.resourcesOfType("AWS::Serverless::Function").values()) {
            boolean http = MAPPER.valueToTree(fn.properties().getOrDefault("Events", Map.of())).toString().contains("\"HttpApi\"");
            if (http && !fallback.contains("{\"Ref\":\"" + fn.logicalId() + "\"}")) {
                missing.add("CacheFallbackAlarm lacks " + fn.logicalId());
            }
        }
        assertTrue(missing.isEmpty(), String.join("\n", missing));
    }

    /**
     * CloudWatch takes at most 10 entries (metrics and expressions) in an alarm's {@code Metrics}; SAM and the schema
     * accept more, so an 11th would fail only at {@code sam deploy}.
     */
    @Test
    void everyAlarm_shouldStayWithinCloudWatchsLimitOfTenMetrics() {
        List<String> over = new ArrayList<>();
        for (var alarm : alarms().values()) {
            Object metrics = alarm.properties().get("Metrics");
            int count = metrics instanceof List<?> list ? list.size() : 0;
            if (count > CLOUDWATCH_METRICS_PER_ALARM) {
                over.add(alarm.logicalId() + " has " + count + " entries in Metrics");
            }
        }
        assertTrue(over.isEmpty(), "CloudWatch allows " + CLOUDWATCH_METRICS_PER_ALARM + " per alarm: " + over);
    }

    @Test
    void theLatencyAlarms_shouldWatchTheRoutesTheyName() {
        for (var entry : Map.of("ReceiptsLatencyP99Alarm", "POST /receipts", "UserLatencyP99Alarm", "GET /users/{userId}").entrySet()) {
            JsonNode p = MAPPER.valueToTree(alarms().get(entry.getKey()).properties());
            assertEquals("p99", p.path("ExtendedStatistic").asText());
            assertTrue(p.path("Dimensions").toString().contains("\"" + entry.getValue() + "\""), p.toString());
        }
    }

    @Test
    void theDashboard_shouldBeJson_namingOnlyWhatTheTemplateHas_andShowEveryAlarm() throws Exception {
        Object body = TEMPLATE.resource("Dashboard").orElseThrow().properties().get("DashboardBody");
        String text = String.valueOf(((Map<?, ?>) body).get("Fn::Sub"));
        // every ${X} or ${X.Arn} names a parameter, a resource or a pseudo parameter
        Matcher m = Pattern.compile("\\$\\{([A-Za-z0-9:]+)(\\.Arn)?}").matcher(text);
        Set<String> unknown = new TreeSet<>();
        while (m.find()) {
            String name = m.group(1);
            if (!name.startsWith("AWS::") && !TEMPLATE.parameters().containsKey(name) && TEMPLATE.resource(name).isEmpty()) {
                unknown.add(name);
            }
        }
        assertTrue(unknown.isEmpty(), "the dashboard names what the template does not have: " + unknown);
        JsonNode dashboard = MAPPER.readTree(text.replaceAll("\\$\\{[^}]+}", "x"));
        assertTrue(dashboard.path("widgets").size() >= 10);
        String alarmWidget = dashboard.toString();
        for (String alarm : alarms().keySet()) {
            assertTrue(text.contains("${" + alarm + ".Arn}"), "the dashboard's alarm widget lacks " + alarm);
        }
        for (String figure : List.of("Latency", "Requests", "ServerErrors", "CacheHits", "ReceiptsCredited", "CoinsAwarded",
                "HeapUsed", "PendingCreditsOverdue", "CacheFallback")) {
            assertTrue(alarmWidget.contains(figure), "the dashboard lacks " + figure);
        }
    }
}
