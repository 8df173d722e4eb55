package com.mallquest.core.testing;

import com.mallquest.logging.LogContext;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.List;

/**
 * Every test starts and ends with an empty {@link LogContext} on its thread, as every Lambda invocation does: a
 * field a test leaves behind (a service called outside an invocation puts {@code receiptId} "for the rest of the
 * invocation") would otherwise ride on the log lines of the tests that run after it on the same thread.
 *
 * <p>Registered for every test of shared-core and of every module with shared-core's test-jar on its test classpath,
 * by JUnit's extension auto-detection: {@code META-INF/services/org.junit.jupiter.api.extension.Extension} and
 * {@code junit-platform.properties} ({@code junit.jupiter.extensions.autodetection.enabled=true}) are in the test-jar.
 * It runs before the test's own {@code @BeforeEach} methods and after its {@code @AfterEach} methods; it leaves the
 * JVM's {@code coldStart} flag alone.
 */
public final class LogContextIsolation implements BeforeEachCallback, AfterEachCallback {

    @Override
    public void beforeEach(ExtensionContext context) {
        clear();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        clear();
    }

    /** Removes every field of this thread's log context. */
    public static void clear() {
        List.copyOf(LogContext.current().keySet()).forEach(LogContext::remove);
    }
}
