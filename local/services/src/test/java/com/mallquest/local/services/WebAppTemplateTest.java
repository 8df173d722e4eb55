package com.mallquest.local.services;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * template.yaml deploys the web app as docs/deployment.md says: a private bucket that only the stack's CloudFront
 * distribution reads (Origin Access Control), /screen and /ops mapped to their pages, and the HTTP API's CORS
 * open to that distribution's origin alone; the pages' security headers; and sign-up: the stack's Cognito user pool
 * with the API's groups and a code-flow web client, or an existing provider. (The SAM schema checks SAM's own
 * resources only, so these CloudFormation resources are checked here.)
 */
@SuppressWarnings("unchecked")
class WebAppTemplateTest {

    private final SamTemplate template = SamTemplate.load(RepositoryRoot.template());

    private Map<String, Object> properties(String logicalId, String type) {
        SamTemplate.Resource resource = template.resource(logicalId).orElseThrow(() -> new AssertionError("no " + logicalId));
        assertEquals(type, resource.type(), logicalId);
        return resource.properties();
    }

    @SuppressWarnings("unchecked")
    private static <T> T at(Object node, Object... path) {
        Object current = node;
        for (Object step : path) {
            current = step instanceof Integer i ? ((List<Object>) current).get(i) : ((Map<String, Object>) current).get(step);
            if (current == null) {
                throw new AssertionError("missing " + step + " in " + List.of(path));
            }
        }
        return (T) current;
    }

    @Test
    void webBucket_shouldBlockEveryPublicAccess() {
        Map<String, Object> bucket = properties("WebBucket", "AWS::S3::Bucket");
        assertEquals(Map.of("BlockPublicAcls", true, "BlockPublicPolicy", true, "IgnorePublicAcls", true, "RestrictPublicBuckets", true),
                bucket.get("PublicAccessBlockConfiguration"));
        assertEquals("BucketOwnerEnforced", at(bucket, "OwnershipControls", "Rules", 0, "ObjectOwnership"));
    }

    @Test
    void bucketPolicy_shouldLetOnlyThisDistributionRead() {
        Map<String, Object> policy = properties("WebBucketPolicy", "AWS::S3::BucketPolicy");
        List<Map<String, Object>> statements = at(policy, "PolicyDocument", "Statement");
        List<Map<String, Object>> allows = statements.stream().filter(s -> "Allow".equals(s.get("Effect"))).toList();
        assertEquals(1, allows.size(), "one Allow statement");
        Map<String, Object> allow = allows.get(0);
        assertEquals(Map.of("Service", "cloudfront.amazonaws.com"), allow.get("Principal"));
        assertEquals("s3:GetObject", allow.get("Action"));
        assertTrue(String.valueOf((Object) at(allow, "Condition", "StringEquals", "AWS:SourceArn")).contains("distribution/${WebDistribution}"));
    }

    @Test
    void distribution_shouldReadTheBucketThroughOriginAccessControl_overHttpsOnly() {
        Map<String, Object> config = at(properties("WebDistribution", "AWS::CloudFront::Distribution"), "DistributionConfig");
        Map<String, Object> origin = at(config, "Origins", 0);
        assertEquals(Map.of("Fn::GetAtt", List.of("WebBucket", "RegionalDomainName")), origin.get("DomainName"));
        assertEquals(Map.of("Fn::GetAtt", List.of("WebOriginAccessControl", "Id")), origin.get("OriginAccessControlId"));
        assertEquals("", at(origin, "S3OriginConfig", "OriginAccessIdentity"), "no legacy origin access identity");
        assertEquals("redirect-to-https", at(config, "DefaultCacheBehavior", "ViewerProtocolPolicy"));
        assertEquals("index.html", config.get("DefaultRootObject"));
        Map<String, Object> oac = at(properties("WebOriginAccessControl", "AWS::CloudFront::OriginAccessControl"), "OriginAccessControlConfig");
        assertEquals("s3", oac.get("OriginAccessControlOriginType"));
        assertEquals("always", oac.get("SigningBehavior"));
    }

    @Test
    void pagePaths_shouldMapScreenAndOpsToTheirPages_asTheLocalRunnerDoes() {
        Map<String, Object> function = properties("WebPagePaths", "AWS::CloudFront::Function");
        String code = (String) function.get("FunctionCode");
        assertTrue(code.contains("'/screen': '/screen.html'") && code.contains("'/ops': '/ops.html'"), code);
        assertEquals("cloudfront-js-2.0", at(function, "FunctionConfig", "Runtime"));
        Map<String, Object> association = at(properties("WebDistribution", "AWS::CloudFront::Distribution"),
                "DistributionConfig", "DefaultCacheBehavior", "FunctionAssociations", 0);
        assertEquals("viewer-request", association.get("EventType"));
    }

    @Test
    void httpApiCors_shouldAllowTheWebAppsOriginOnly() {
        Map<String, Object> cors = at(properties("HttpApi", "AWS::Serverless::HttpApi"), "CorsConfiguration");
        assertEquals(List.of(Map.of("Fn::Sub", "https://${WebDistribution.DomainName}")), cors.get("AllowOrigins"));
        List<String> headers = at(cors, "AllowHeaders");
        assertTrue(headers.contains("authorization") && headers.contains("content-type"), headers.toString());
        // the console replaces a store with If-Match on the ETag it read
        assertTrue(headers.contains("if-match"), headers.toString());
        assertTrue(((List<String>) at(cors, "ExposeHeaders")).contains("etag"));
    }

    @Test
    void userPool_shouldLetShoppersSignUp_withTheThreeGroups_whenCreateUserPoolIsOnByDefault() {
        // GIVEN the template's parameters and the user pool
        Map<String, Object> parameter = template.parameters().get("CreateUserPool");
        Map<String, Object> pool = properties("UserPool", "AWS::Cognito::UserPool");

        // THEN the pool is created unless told otherwise, shoppers sign themselves up, and they give a name
        assertEquals("true", parameter.get("Default"));
        assertEquals("CreatesUserPool", template.resource("UserPool").orElseThrow().declaration().get("Condition"));
        assertEquals(false, at(pool, "AdminCreateUserConfig", "AllowAdminCreateUserOnly"));
        List<Map<String, Object>> schema = at(pool, "Schema");
        assertTrue(schema.stream().anyMatch(a -> "name".equals(a.get("Name")) && Boolean.TRUE.equals(a.get("Required"))), schema.toString());
        assertTrue(schema.stream().anyMatch(a -> "storeId".equals(a.get("Name"))), "the custom:storeId attribute");
        // AND the groups are the API's roles
        List<String> groups = template.resourcesOfType("AWS::Cognito::UserPoolGroup").values().stream()
                .map(g -> String.valueOf(g.properties().get("GroupName"))).sorted().toList();
        assertEquals(List.of("admin", "store-manager", "store-staff"), groups);
    }

    @Test
    void webAppClient_shouldUseTheCodeFlowWithoutSecret_andNeverWriteStoreId() {
        // GIVEN the web app's client of the pool
        Map<String, Object> client = properties("WebAppClient", "AWS::Cognito::UserPoolClient");

        // THEN it has the authorization code grant only (PKCE: a public client, no secret), no implicit grant
        assertEquals(List.of("code"), client.get("AllowedOAuthFlows"));
        assertEquals(false, client.get("GenerateSecret"));
        assertTrue(((List<String>) at(client, "AllowedOAuthScopes")).contains("openid"));
        // AND it may read the store claim but never write it: only an admin sets a person's store
        assertTrue(((List<String>) at(client, "ReadAttributes")).contains("custom:storeId"));
        List<String> writable = at(client, "WriteAttributes");
        assertTrue(writable.stream().noneMatch(a -> a.startsWith("custom:")), writable.toString());
        // AND it comes back to the shopper page and the dashboard of this distribution
        assertEquals(List.of(Map.of("Fn::Sub", "https://${WebDistribution.DomainName}/"), Map.of("Fn::Sub", "https://${WebDistribution.DomainName}/ops")),
                client.get("CallbackURLs"));
        // AND the pool has a Hosted UI domain
        properties("UserPoolDomain", "AWS::Cognito::UserPoolDomain");
        assertEquals("CreatesUserPool", template.resource("UserPoolDomain").orElseThrow().declaration().get("Condition"));
    }

    @Test
    void jwtAuthorizer_shouldTrustTheCreatedPool_orTheExistingProvider() {
        // GIVEN the HTTP API's JWT authorizer
        Map<String, Object> jwt = at(properties("HttpApi", "AWS::Serverless::HttpApi"), "Auth", "Authorizers", "CognitoJwt", "JwtConfiguration");

        // THEN the issuer is the created pool's, else JwtIssuer; the audience the created client, else JwtAudience
        List<Object> issuer = at(jwt, "issuer", "Fn::If");
        assertEquals("CreatesUserPool", issuer.get(0));
        assertTrue(String.valueOf(issuer.get(1)).contains("cognito-idp.${AWS::Region}.${AWS::URLSuffix}/${UserPool}"), String.valueOf(issuer.get(1)));
        assertEquals(Map.of("Ref", "JwtIssuer"), issuer.get(2));
        assertEquals(Map.of("Fn::If", List.of("CreatesUserPool", Map.of("Ref", "WebAppClient"), Map.of("Ref", "JwtAudience"))),
                at(jwt, "audience", 0));
        // AND an existing provider needs no pool parameter: both have a default
        assertEquals("", template.parameters().get("JwtIssuer").get("Default"));
        assertEquals("", template.parameters().get("JwtAudience").get("Default"));
    }

    @Test
    void pages_shouldCarryACspWithFrameAncestors_hsts_andAReferrerPolicy() {
        // GIVEN the distribution's response headers policy
        Map<String, Object> behaviour = at(properties("WebDistribution", "AWS::CloudFront::Distribution"), "DistributionConfig", "DefaultCacheBehavior");
        assertEquals(Map.of("Ref", "WebSecurityHeaders"), behaviour.get("ResponseHeadersPolicyId"));
        Map<String, Object> security = at(properties("WebSecurityHeaders", "AWS::CloudFront::ResponseHeadersPolicy"),
                "ResponseHeadersPolicyConfig", "SecurityHeadersConfig");

        // THEN no other site may frame the pages, scripts come from the site only, and the browser keeps to HTTPS
        String csp = String.valueOf(((List<Object>) at(security, "ContentSecurityPolicy", "ContentSecurityPolicy", "Fn::Sub")).get(0));
        assertTrue(csp.contains("frame-ancestors 'none'"), csp);
        assertTrue(csp.contains("script-src 'self';"), csp);
        assertTrue(csp.contains("object-src 'none'"), csp);
        assertTrue(((Number) at(security, "StrictTransportSecurity", "AccessControlMaxAgeSec")).longValue() >= 31536000);
        assertEquals("no-referrer", at(security, "ReferrerPolicy", "ReferrerPolicy"));
        assertEquals(true, at(security, "ContentTypeOptions", "Override"));
    }

    @Test
    void outputs_shouldGiveTheDeployWhatItNeeds() {
        Map<String, Map<String, Object>> outputs = template.outputs();
        for (String name : List.of("WebUrl", "WebBucketName", "WebDistributionId", "WebConfig")) {
            assertTrue(outputs.containsKey(name), name);
        }
        String config = String.valueOf(outputs.get("WebConfig").get("Value"));
        assertTrue(config.contains("\"devSignIn\":false"), config);
        assertTrue(config.contains("\"issuer\":\"${Issuer}\""), "the web app checks the ID token's issuer: " + config);
        assertTrue(template.parameters().containsKey("CognitoHostedUiDomain"));
    }
}
