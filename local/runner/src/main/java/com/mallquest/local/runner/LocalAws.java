package com.mallquest.local.runner;

/** The fixed account, region and stack a local run pretends to be in (the values {@code sam local} uses too). */
public final class LocalAws {
    /** {@code AWS::AccountId}. */
    public static final String ACCOUNT_ID = "123456789012";
    /** {@code AWS::Region} and the functions' {@code AWS_REGION}, unless the shell sets {@code AWS_REGION}. */
    public static final String REGION = "us-east-1";
    /** {@code AWS::StackName}. */
    public static final String STACK_NAME = "mallquest-local";

    private LocalAws() { }
}
