package com.mallquest.logging;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SLF4J 2's backend for this code base (found through {@code META-INF/services}): what the AWS SDK, Jedis and the
 * EMF library log comes out as {@link Log} lines, at {@code WARN} and above (or the configured level if it is
 * higher), instead of SLF4J's "no providers, no-operation logger" warning at every start and silence after it.
 */
public final class Slf4jProvider implements SLF4JServiceProvider {

    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();
    private final ILoggerFactory loggers = new Loggers();

    /** Called by SLF4J's {@code ServiceLoader}. */
    public Slf4jProvider() { }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggers;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
        // nothing to set up: the loggers write through Log
    }

    private static final class Loggers implements ILoggerFactory {
        private final Map<String, Logger> byName = new ConcurrentHashMap<>();

        @Override
        public Logger getLogger(String name) {
            return byName.computeIfAbsent(name, LibraryLogger::new);
        }
    }

    /** A library's logger: its lines at WARN and above (never below the configured level). */
    private static final class LibraryLogger extends LegacyAbstractLogger {
        private static final long serialVersionUID = 1L;
        private final transient Log log;

        LibraryLogger(String name) {
            this.name = name;
            this.log = Log.named(name);
        }

        private boolean on(Log.Level level) {
            return level.compareTo(Log.Level.WARN) >= 0 && log.enabled(level);
        }

        @Override
        public boolean isTraceEnabled() {
            return false;
        }

        @Override
        public boolean isDebugEnabled() {
            return false;
        }

        @Override
        public boolean isInfoEnabled() {
            return false;
        }

        @Override
        public boolean isWarnEnabled() {
            return on(Log.Level.WARN);
        }

        @Override
        public boolean isErrorEnabled() {
            return on(Log.Level.ERROR);
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
                                                   Throwable throwable) {
            Log.Level ours = switch (level) {
                case ERROR -> Log.Level.ERROR;
                case WARN -> Log.Level.WARN;
                case INFO -> Log.Level.INFO;
                default -> Log.Level.DEBUG;
            };
            if (on(ours)) {
                log.log(ours, MessageFormatter.basicArrayFormat(pattern, arguments), throwable);
            }
        }
    }
}
