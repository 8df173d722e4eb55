package com.mallquest.local.services;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SamTemplateTest {

    @Test
    void load_shouldMapShortTagsToLongForm_inTheRepositoryTemplate() {
        // GIVEN the project's template.yaml
        // WHEN it is loaded
        SamTemplate template = SamTemplate.load(RepositoryRoot.template());

        // THEN !Ref and !Sub read as their long form
        Map<String, Object> variables = SamTemplate.map(
                SamTemplate.map(template.globalFunction().get("Environment"), "Environment").get("Variables"), "Variables");
        assertEquals(Map.of("Ref", "UsersTable"), variables.get("USERS_TABLE"));
        assertEquals(Map.of("Fn::Sub", "rediss://${Cache.Endpoint.Address}:${Cache.Endpoint.Port}"), variables.get("REDIS_URL"));
        // AND resources, parameters and types are reachable
        assertEquals("java21", template.globalFunction().get("Runtime"));
        assertEquals("rate(5 minutes)", template.parameters().get("CleanupSchedule").get("Default"));
        assertEquals(List.of("UsersTable", "ReceiptsTable", "StoresTable", "AuditTable", "CampaignsTable", "SpendingTable"),
                List.copyOf(template.resourcesOfType("AWS::DynamoDB::Table").keySet()));
        SamTemplate.Resource function = template.resource("SubmitReceiptFunction").orElseThrow();
        assertEquals("AWS::Serverless::Function", function.type());
        assertEquals(Boolean.TRUE, function.metadata().get("SkipBuild"));
        assertEquals("functions/submit-receipt/target/submit-receipt.jar", function.properties().get("CodeUri"));
    }

    @Test
    void parse_shouldMapEveryShortTag_includingNestedOnes() {
        // GIVEN a template using every short-form tag, nested
        String yaml = String.join("\n",
                "Conditions:",
                "  IsProd: !Equals [!Ref Env, prod]",
                "  NotProd: !Not [!Condition IsProd]",
                "  Both: !And [!Condition IsProd, !Or [!Condition NotProd, !Condition IsProd]]",
                "Resources:",
                "  Thing:",
                "    Type: Custom::Thing",
                "    Properties:",
                "      Arn: !GetAtt Cache.Endpoint.Address",
                "      ArnList: !GetAtt [Table, Arn]",
                "      Joined: !Join ['-', [a, !Ref B]]",
                "      Picked: !Select [0, !GetAZs '']",
                "      Parts: !Split [',', !ImportValue shared-list]",
                "      Mapped: !FindInMap [Regions, !Ref 'AWS::Region', Ami]",
                "      Encoded: !Base64 hello",
                "      Choice: !If [IsProd, big, small]",
                "      Sub2: !Sub ['${A}-x', {A: !Ref Env}]",
                "");

        // WHEN it is parsed
        SamTemplate template = SamTemplate.parse(yaml);

        // THEN each tag has its long form, nested tags included
        Map<String, Object> conditions = SamTemplate.map(template.root().get("Conditions"), "Conditions");
        assertEquals(Map.of("Fn::Equals", List.of(Map.of("Ref", "Env"), "prod")), conditions.get("IsProd"));
        assertEquals(Map.of("Fn::Not", List.of(Map.of("Condition", "IsProd"))), conditions.get("NotProd"));
        assertEquals(Map.of("Fn::And", List.of(Map.of("Condition", "IsProd"),
                Map.of("Fn::Or", List.of(Map.of("Condition", "NotProd"), Map.of("Condition", "IsProd"))))), conditions.get("Both"));
        Map<String, Object> p = template.resource("Thing").orElseThrow().properties();
        assertEquals(Map.of("Fn::GetAtt", List.of("Cache", "Endpoint.Address")), p.get("Arn"));
        assertEquals(Map.of("Fn::GetAtt", List.of("Table", "Arn")), p.get("ArnList"));
        assertEquals(Map.of("Fn::Join", List.of("-", List.of("a", Map.of("Ref", "B")))), p.get("Joined"));
        assertEquals(Map.of("Fn::Select", List.of(0, Map.of("Fn::GetAZs", ""))), p.get("Picked"));
        assertEquals(Map.of("Fn::Split", List.of(",", Map.of("Fn::ImportValue", "shared-list"))), p.get("Parts"));
        assertEquals(Map.of("Fn::FindInMap", List.of("Regions", Map.of("Ref", "AWS::Region"), "Ami")), p.get("Mapped"));
        assertEquals(Map.of("Fn::Base64", "hello"), p.get("Encoded"));
        assertEquals(Map.of("Fn::If", List.of("IsProd", "big", "small")), p.get("Choice"));
        assertEquals(Map.of("Fn::Sub", List.of("${A}-x", Map.of("A", Map.of("Ref", "Env")))), p.get("Sub2"));
    }

    @Test
    void parse_shouldFail_whenGetAttHasNoAttribute() {
        // GIVEN a !GetAtt without a dot WHEN parsed THEN it is refused, naming the value
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> SamTemplate.parse("Resources:\n  X:\n    Type: T\n    Properties: {A: !GetAtt Table}\n"));
        assertTrue(error.getMessage().contains("Table"), error.getMessage());
    }

    @Test
    void parse_shouldFail_whenAKeyIsDuplicated() {
        // GIVEN a template with the same resource twice (CloudFormation refuses it) WHEN parsed THEN it fails
        assertThrows(IllegalArgumentException.class,
                () -> SamTemplate.parse("Resources:\n  X: {Type: A}\n  X: {Type: B}\n"));
    }

    @Test
    void load_shouldExpandTheRepositoryTemplatesAlarmLoops_asCloudFormationDoesBeforeSam() {
        // GIVEN the project's template.yaml, whose per-function alarms are written once as Fn::ForEach loops
        SamTemplate template = SamTemplate.load(RepositoryRoot.template());
        assertEquals(List.of("AWS::LanguageExtensions", "AWS::Serverless-2016-10-31"), template.root().get("Transform"));
        Map<String, Object> written = SamTemplate.map(template.written().get("Resources"), "Resources");
        assertTrue(written.keySet().stream().anyMatch(key -> key.startsWith("Fn::ForEach::")), written.keySet().toString());

        // WHEN its resources are read
        SamTemplate.Resource alarm = template.resource("CleanupFunctionThrottlesAlarm").orElseThrow();

        // THEN they are the expanded ones: no loop left, each alarm on its own function
        assertTrue(template.resources().keySet().stream().noneMatch(key -> key.startsWith("Fn::")), template.resources().keySet().toString());
        assertEquals("AWS::CloudWatch::Alarm", alarm.type());
        assertEquals(List.of(Map.of("Name", "FunctionName", "Value", Map.of("Ref", "CleanupFunction"))), alarm.properties().get("Dimensions"));
        assertEquals("CleanupFunction: Lambda throttled it ThrottlesThreshold times or more in 5 minutes (AWS/Lambda Throttles).",
                alarm.properties().get("AlarmDescription"));
    }
}
