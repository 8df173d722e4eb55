package com.mallquest.local.runner;

/**
 * A problem the user can act on (port in use, Node.js missing, handler class not in its artifact, an event file
 * that is not JSON, a bad option). {@link Main} prints the message as one line and exits non-zero, without a
 * stack trace.
 */
public final class UserError extends RuntimeException {

    public UserError(String message) {
        super(message);
    }

    public UserError(String message, Throwable cause) {
        super(message, cause);
    }
}
