package com.mallquest.core.testing;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;

import java.nio.charset.StandardCharsets;

/**
 * A Lambda {@link Context} for tests with the two things MallQuest reads from it: the AWS request id and the X-Ray
 * trace header.
 *
 * <pre>{@code
 * handler.handleRequest(event, new TestLambdaContext("lambda-req-1", "Root=1-67687c5a-a1b2c3d4e5f67890abcdef01;Sampled=1"));
 * }</pre>
 */
public record TestLambdaContext(String awsRequestId, String xrayTraceId) implements Context {

    @Override public String getAwsRequestId() { return awsRequestId; }
    @Override public String getXrayTraceId() { return xrayTraceId; }
    @Override public String getLogGroupName() { return "/aws/lambda/test"; }
    @Override public String getLogStreamName() { return "test"; }
    @Override public String getFunctionName() { return "test"; }
    @Override public String getFunctionVersion() { return "$LATEST"; }
    @Override public String getInvokedFunctionArn() { return "arn:aws:lambda:us-east-1:123456789012:function:test"; }
    @Override public CognitoIdentity getIdentity() { return null; }
    @Override public ClientContext getClientContext() { return null; }
    @Override public int getRemainingTimeInMillis() { return 30_000; }
    @Override public int getMemoryLimitInMB() { return 1024; }

    @Override
    public LambdaLogger getLogger() {
        return new LambdaLogger() {
            @Override public void log(String message) { System.out.print(message); }
            @Override public void log(byte[] message) { System.out.print(new String(message, StandardCharsets.UTF_8)); }
        };
    }
}
