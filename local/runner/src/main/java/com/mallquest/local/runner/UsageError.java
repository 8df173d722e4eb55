package com.mallquest.local.runner;

/** A malformed command line: {@link Main} prints the message and the usage text and exits 2. */
public final class UsageError extends RuntimeException {

    public UsageError(String message) {
        super(message);
    }
}
