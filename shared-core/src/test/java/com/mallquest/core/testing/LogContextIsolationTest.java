package com.mallquest.core.testing;

import com.mallquest.logging.LogContext;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * No test inherits the log context of the one before it ({@link LogContextIsolation}, registered for every test by
 * auto-detection, not named here): the first test leaves fields behind the way a service called outside an
 * invocation does, the second runs after it on the same thread and must find none.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LogContextIsolationTest {

    private static Thread firstTestThread;

    @Test
    @Order(1)
    void aTestThatLeavesFieldsBehind() {
        firstTestThread = Thread.currentThread();
        LogContext.put("receiptId", "R-leaked", "userId", "leaked-user");
        assertEquals("R-leaked", LogContext.current().get("receiptId"));
    }

    @Test
    @Order(2)
    void theNextTest_shouldStartWithAnEmptyLogContext() {
        assertEquals(firstTestThread, Thread.currentThread(), "the leak this test looks for is per thread");
        assertEquals(Map.of(), LogContext.current());
    }
}
