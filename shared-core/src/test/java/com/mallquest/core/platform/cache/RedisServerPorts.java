package com.mallquest.core.platform.cache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/** Ports for tests of unreachable servers. */
final class RedisServerPorts {
    private RedisServerPorts() { }

    /** A loopback port that was free a moment ago and that nothing listens on now. */
    static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
