package com.mallquest.local.runner;

/**
 * Settings of the JDK's HTTP server ({@code com.sun.net.httpserver}) that the runner's servers (the local API and
 * each container's Runtime API) need.
 */
final class LocalHttp {

    private LocalHttp() { }

    /**
     * {@code TCP_NODELAY} on the servers' sockets. Without it a response written in two pieces (headers, then
     * body) waits for the client's delayed ACK: about 40 ms per invocation on Linux, which was most of a warm
     * invocation's time and capped every container at ~20 invocations per second. The JDK reads the property once,
     * when its first server is created, so this runs before any server exists (static init of the classes that
     * create them).
     */
    static void noDelay() {
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }
}
