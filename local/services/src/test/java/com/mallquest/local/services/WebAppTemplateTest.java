package com.mallquest.local.services;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * template.yaml deploys the web app as docs/deployment.md says: a private bucket that only the stack's CloudFront
 * distribution reads (Origin Access Control), /screen and /ops mapped to their pages, and the HTTP API's CORS
 * open to that distribution's origin alone. (The SAM schema checks SAM's own resources only, so these
 * CloudFormation resources are checked here.)
 */
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
    }

    @Test
    void outputs_shouldGiveTheDeployWhatItNeeds() {
        Map<String, Map<String, Object>> outputs = template.outputs();
        for (String name : List.of("WebUrl", "WebBucketName", "WebDistributionId", "WebConfig")) {
            assertTrue(outputs.containsKey(name), name);
        }
        assertTrue(String.valueOf(outputs.get("WebConfig").get("Value")).contains("\"devSignIn\":false"));
        assertTrue(template.parameters().containsKey("CognitoHostedUiDomain"));
    }
}
