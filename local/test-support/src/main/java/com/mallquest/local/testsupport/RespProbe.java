package com.mallquest.local.testsupport;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;

/**
 * Sends one command to a Redis server over a raw socket and returns its reply as text (array elements joined by newlines). Just enough RESP
 * for the harness to wait for a server (PING, CLUSTER INFO) without depending on a Redis client library.
 */
final class RespProbe {
    private RespProbe() { }

    /** Sends {@code args} to {@code port} on loopback (over TLS when {@code tls} is non-null); returns the reply text. */
    static String call(int port, SSLContext tls, String... args) throws IOException {
        try (Socket socket = tls == null ? new Socket() : tls.getSocketFactory().createSocket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            socket.setSoTimeout(2_000);
            OutputStream out = socket.getOutputStream();
            StringBuilder cmd = new StringBuilder("*").append(args.length).append("\r\n");
            for (String arg : args) {
                byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
                cmd.append('$').append(bytes.length).append("\r\n").append(arg).append("\r\n");
            }
            out.write(cmd.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            return readReply(new BufferedInputStream(socket.getInputStream()));
        }
    }

    /** True when the server answers PING with PONG. */
    static boolean ping(int port, SSLContext tls) {
        try {
            return "PONG".equals(call(port, tls, "PING"));
        } catch (IOException e) {
            return false;
        }
    }

    private static String readReply(InputStream in) throws IOException {
        String line = readLine(in);
        if (line.isEmpty()) {
            throw new IOException("empty reply");
        }
        char type = line.charAt(0);
        String rest = line.substring(1);
        switch (type) {
            case '+', ':' -> { return rest; }
            case '-' -> throw new IOException("Redis error: " + rest);
            case '$' -> {
                int len = Integer.parseInt(rest);
                if (len < 0) {
                    return null;
                }
                byte[] data = in.readNBytes(len + 2);
                return new String(data, 0, len, StandardCharsets.UTF_8);
            }
            case '*' -> {
                int count = Integer.parseInt(rest);
                StringBuilder joined = new StringBuilder();
                for (int i = 0; i < count; i++) {
                    joined.append(i == 0 ? "" : "\n").append(readReply(in));
                }
                return joined.toString();
            }
            default -> throw new IOException("unexpected reply: " + line);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\r') {
                in.read(); // '\n'
                break;
            }
            buf.write(b);
        }
        if (b == -1 && buf.size() == 0) {
            throw new IOException("connection closed");
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}
