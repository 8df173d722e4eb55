package com.mallquest.local.runner;

import com.mallquest.local.services.RepositoryRoot;
import com.mallquest.local.services.SamTemplate;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading the repository's template.yaml the way the runner serves it. */
class LocalTemplateTest {

    static LocalTemplate repositoryTemplate() {
        SamTemplate sam = SamTemplate.load(RepositoryRoot.template());
        return new LocalTemplate(sam, RepositoryRoot.locate(), new LocalValues(sam, Map.of(), Map.of(), ""));
    }

    @Test
    void repositoryTemplate_shouldYieldFunctionsRoutesAndSchedules() {
        LocalTemplate template = repositoryTemplate();
        // THEN every function has its artifact, handler, and Globals merged in
        FunctionDefinition admin = template.function("AdminBatchFunction");
        assertEquals(30, admin.timeoutSeconds(), "the function's own Timeout wins over Globals");
        assertEquals(1024, admin.memoryMb());
        assertTrue(admin.artifact().endsWith("functions/admin-batch/target/admin-batch.jar"));
        assertTrue(admin.declaredVariables().containsKey("USERS_TABLE"), "Globals variables are merged");
        // AND public routes are exactly those with Auth: NONE
        List<String> publicRoutes = template.routes().stream().filter(r -> !r.authorized()).map(LocalTemplate.Route::routeKey).sorted().toList();
        assertEquals(List.of("GET /health", "GET /leaderboards/{period}", "GET /rewards", "GET /rewards/{rewardId}", "GET /stores"), publicRoutes);
        assertFalse(template.routes().isEmpty());
        // AND the cleanup schedule is read through its parameter's default
        assertEquals(1, template.schedules().size());
        assertEquals("rate(5 minutes)", template.schedules().get(0).expression());
        // AND no issuer/audience is checked locally unless the parameters are given
        assertTrue(template.jwtRules().issuer().isEmpty());
    }

    @Test
    void layers_shouldPutTheLayerJarsBesideEachThinFunctionJar() throws Exception {
        LocalTemplate template = repositoryTemplate();
        for (FunctionDefinition function : template.functions().values()) {
            // THEN every function has the template's layer, from Globals, and the built layer holds its jar
            assertEquals(List.of(RepositoryRoot.locate().resolve("layer/target/layer/java/lib").normalize()), function.layers(),
                    function.logicalId());
            assertEquals(List.of("mallquest-core.jar"), function.layerJars().stream().map(p -> p.getFileName().toString()).toList());
            // AND the function's own jar is thin: its handler, none of shared-core (that is the layer's)
            try (java.util.zip.ZipFile jar = new java.util.zip.ZipFile(function.artifact().toFile());
                 java.util.zip.ZipFile layer = new java.util.zip.ZipFile(function.layerJars().get(0).toFile())) {
                assertTrue(jar.getEntry(function.handlerClass().replace('.', '/') + ".class") != null, function.logicalId());
                assertTrue(jar.getEntry("com/mallquest/core/api/lambda/ApiHandler.class") == null, function.logicalId());
                assertTrue(layer.getEntry("com/mallquest/core/api/lambda/ApiHandler.class") != null);
                assertTrue(layer.getEntry(function.handlerClass().replace('.', '/') + ".class") == null, "no function class in the layer");
            }
        }
    }

    @Test
    void layers_thatAreNotTheTemplatesOwn_shouldBeRefused() {
        SamTemplate sam = SamTemplate.parse("""
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  Fn:
                    Type: AWS::Serverless::Function
                    Properties:
                      CodeUri: x.jar
                      Handler: a.B::handleRequest
                      Layers: ['arn:aws:lambda:eu-west-1:123456789012:layer:other:1']
                """);
        UserError error = org.junit.jupiter.api.Assertions.assertThrows(UserError.class,
                () -> new LocalTemplate(sam, RepositoryRoot.locate(), new LocalValues(sam, Map.of(), Map.of(), "")));
        assertTrue(error.getMessage().contains("only the template's own layers run locally"), error.getMessage());
    }

    @Test
    void localValues_shouldResolveTablesParametersAndCacheEndpoint() {
        SamTemplate sam = SamTemplate.load(RepositoryRoot.template());
        LocalValues values = new LocalValues(sam, Map.of("ReceiptRateLimit", "3/10s"), Map.of("UsersTable", "local-users"),
                "redis://127.0.0.1:6379");
        Map<String, Object> globals = SamTemplate.map(SamTemplate.map(sam.globalFunction().get("Environment"), "e").get("Variables"), "v");
        assertEquals("local-users", values.resolve(globals.get("USERS_TABLE")));
        assertEquals("3/10s", values.resolve(globals.get("RECEIPT_RATE_LIMIT")));
        assertEquals("20/60s", values.resolve(globals.get("USER_READ_RATE_LIMIT")), "a parameter's Default");
        assertEquals("redis://127.0.0.1:6379", values.resolve(globals.get("REDIS_URL")), "the cache endpoint becomes the local URL");
        assertEquals("", new LocalValues(sam, Map.of(), Map.of(), "").resolve(globals.get("REDIS_URL")));
        assertEquals("mallquest-local-Cache", values.resolve(Map.of("Ref", "Cache")));
        assertEquals("arn:aws:elasticache:us-east-1:123456789012:serverlesscache:mallquest-local-Cache",
                values.resolve(Map.of("Fn::Sub", "arn:${AWS::Partition}:elasticache:${AWS::Region}:${AWS::AccountId}:serverlesscache:${Cache}")));
    }

    @Test
    void parameterOverride_shouldBeRefused_whenTheTemplateDoesNotDeclareIt() {
        SamTemplate sam = SamTemplate.load(RepositoryRoot.template());
        UserError error = org.junit.jupiter.api.Assertions.assertThrows(UserError.class,
                () -> new LocalValues(sam, Map.of("Nope", "1"), Map.of(), ""));
        assertTrue(error.getMessage().contains("Nope"));
    }
}
