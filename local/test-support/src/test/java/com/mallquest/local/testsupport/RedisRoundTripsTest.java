package com.mallquest.local.testsupport;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RedisRoundTripsTest {

    private static final String PING = "*1\r\n$4\r\nPING\r\n";

    @Test
    void take_shouldCountEachWaitedForReply_andAPipelineSentAtOnceAsOne() throws IOException {
        try (RedisServer redis = RedisServer.start();
             Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", redis.port()), 1_000);
            socket.setSoTimeout(2_000);
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            RedisRoundTrips trips = RedisRoundTrips.of(redis);
            // WHEN nothing is sent THEN nothing is counted (the counter's own INFO left out)
            assertEquals(0, trips.take());
            assertEquals(0, trips.take());
            // WHEN three commands are sent one after the other, each waiting for its reply
            for (int i = 0; i < 3; i++) {
                send(out, PING);
                expect(in, "+PONG\r\n");
            }
            // THEN three round trips
            assertEquals(3, trips.take());
            // WHEN three commands are sent at once (a pipeline) and their replies read afterwards
            send(out, PING + PING + PING);
            expect(in, "+PONG\r\n+PONG\r\n+PONG\r\n");
            // THEN one round trip
            assertEquals(1, trips.take());
        }
    }

    private static void send(OutputStream out, String commands) throws IOException {
        out.write(commands.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static void expect(InputStream in, String reply) throws IOException {
        byte[] expected = reply.getBytes(StandardCharsets.US_ASCII);
        assertEquals(reply, new String(in.readNBytes(expected.length), StandardCharsets.US_ASCII));
    }
}
