package com.mallquest.local.services;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** template.yaml is a valid SAM template and deploys what the code expects. */
class TemplateSchemaTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final SamTemplate template = SamTemplate.load(RepositoryRoot.template());

    private static JsonSchema samSchema() throws IOException {
        try (InputStream in = TemplateSchemaTest.class.getResourceAsStream("/sam-schema/sam.schema.json")) {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(in);
        }
    }

    @Test
    void template_shouldValidateAgainstTheSamSchema() throws IOException {
        // GIVEN the template with its short-form tags read as their long form, and its Fn::ForEach loops expanded as
        // AWS::LanguageExtensions does before SAM reads it (the schema knows no loops: see the next test)
        JsonNode document = MAPPER.valueToTree(template.root());
        // WHEN
        Set<ValidationMessage> errors = samSchema().validate(document);
        // THEN
        assertTrue(errors.isEmpty(), "SAM schema violations: " + errors);
    }

    @Test
    void samSchema_shouldRefuseTheTemplateAsWritten_soItIsValidatedWithItsLoopsExpanded() throws IOException {
        // GIVEN the template as written: Fn::ForEach::... keys among the resources, whose values are lists
        JsonNode written = MAPPER.valueToTree(template.written());
        // WHEN / THEN SAM's schema takes every resource for an object: the loops are refused (if this starts to
        // pass, the schema has learnt AWS::LanguageExtensions and the test above can validate the written template)
        Set<ValidationMessage> errors = samSchema().validate(written);
        assertTrue(errors.toString().contains("Fn::ForEach::"), "SAM schema on the written template: " + errors);
    }

    @Test
    void samSchema_shouldRejectABrokenFunction_soTheValidationAboveCanFail() throws IOException {
        // GIVEN a function with a property SAM does not know and a wrong type
        Map<String, Object> broken = Map.of(
                "Transform", "AWS::Serverless-2016-10-31",
                "Resources", Map.of("Fn", Map.of(
                        "Type", "AWS::Serverless::Function",
                        "Properties", Map.of("Handler", "a::b", "Runtime", "java21", "CodeUri", "x.jar",
                                "MemorySize", "lots", "NoSuchProperty", true))));
        // WHEN / THEN
        assertFalse(samSchema().validate(MAPPER.valueToTree(broken)).isEmpty());
    }

    @Test
    void everyFunction_shouldPointAtTheArtifactItsModuleBuildsAndAHandlerThatExists() throws IOException {
        Path root = RepositoryRoot.locate();
        var functions = template.resourcesOfType("AWS::Serverless::Function");
        assertEquals(9, functions.size(), "one function per job");
        for (var fn : functions.values()) {
            String codeUri = (String) fn.properties().get("CodeUri");
            Matcher m = Pattern.compile("functions/([a-z-]+)/target/\\1\\.jar").matcher(codeUri);
            assertTrue(m.matches(), fn.logicalId() + " CodeUri " + codeUri);
            Path module = root.resolve("functions").resolve(m.group(1));
            assertTrue(Files.readString(module.resolve("pom.xml")).contains("maven-shade-plugin"), module + " shades its artifact");
            String handler = (String) fn.properties().get("Handler");
            String className = handler.substring(0, handler.indexOf("::"));
            Path source = module.resolve("src/main/java").resolve(className.replace('.', '/') + ".java");
            assertTrue(Files.exists(source), fn.logicalId() + " handler source " + source);
            assertEquals(Boolean.TRUE, fn.metadata().get("SkipBuild"), fn.logicalId() + " is built by Maven, not sam build");
        }
    }

    @Test
    void tables_shouldBeOnDemandWithTtlAndPointInTimeRecovery() {
        var tables = template.resourcesOfType("AWS::DynamoDB::Table");
        assertEquals(Set.of("UsersTable", "ReceiptsTable", "StoresTable", "SpendingTable", "AuditTable", "CampaignsTable"), tables.keySet());
        for (var table : tables.values()) {
            Map<String, Object> p = table.properties();
            assertEquals("PAY_PER_REQUEST", p.get("BillingMode"), table.logicalId());
            if (table.logicalId().equals("AuditTable")) {
                // the audit trail is immutable: nothing in it expires
                assertFalse(p.containsKey("TimeToLiveSpecification"), "AuditTable has no TTL");
            } else {
                assertEquals(Map.of("AttributeName", "expiresAt", "Enabled", true), p.get("TimeToLiveSpecification"), table.logicalId());
            }
            assertEquals(Map.of("PointInTimeRecoveryEnabled", true), p.get("PointInTimeRecoverySpecification"), table.logicalId());
        }
    }

    @Test
    void globals_shouldEnableSnapStartOnPublishedVersionsOfJava21() {
        Map<String, Object> fn = template.globalFunction();
        assertEquals("java21", fn.get("Runtime"));
        assertEquals(Map.of("ApplyOn", "PublishedVersions"), fn.get("SnapStart"));
        assertEquals("live", fn.get("AutoPublishAlias"));
    }

    @Test
    void everySettingTheCodeReads_shouldBeDeclaredInTheTemplate() throws IOException {
        // GIVEN the environment variables Settings reads (string literals in UPPER_SNAKE_CASE)
        // (and the logger's own, read by shared-logging's LogSettings)
        Set<String> read = new TreeSet<>();
        for (String source : List.of("shared-core/src/main/java/com/mallquest/core/platform/config/Settings.java",
                "shared-logging/src/main/java/com/mallquest/logging/LogSettings.java")) {
            Matcher m = Pattern.compile("\"([A-Z][A-Z0-9_]{2,})\"").matcher(Files.readString(RepositoryRoot.locate().resolve(source)));
            while (m.find()) {
                read.add(m.group(1));
            }
        }
        assertTrue(read.contains("LOG_LEVEL"), read.toString());
        // Set by Lambda or SAM, or only meaningful off AWS (a local DynamoDB-API server).
        read.removeIf(name -> name.startsWith("AWS_LAMBDA_") || name.equals("AWS_REGION") || name.equals("AWS_SAM_LOCAL"));
        read.remove("DYNAMODB_ENDPOINT");
        // WHEN
        Set<String> declared = new TreeSet<>();
        declared.addAll(SamTemplate.map(SamTemplate.map(template.globalFunction().get("Environment"), "Environment")
                .get("Variables"), "Variables").keySet());
        for (var fn : template.resourcesOfType("AWS::Serverless::Function").values()) {
            Object env = fn.properties().get("Environment");
            if (env != null) {
                declared.addAll(SamTemplate.map(SamTemplate.map(env, "Environment").get("Variables"), "Variables").keySet());
            }
        }
        // THEN
        read.removeAll(declared);
        assertTrue(read.isEmpty(), "read by Settings but not declared in template.yaml: " + read);
    }
}
