package com.mallquest.local.runner;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * The local API's HTTP/1.1 server: reads each request as API Gateway's front door does, before any route or
 * function sees it, and answers what it refuses with API Gateway's JSON errors, never an HTML page:
 * <ul>
 *   <li>a request line other than {@code METHOD /path[?query] HTTP/1.x} (a space, a control character or a
 *       non-ASCII byte in the target, a {@code %} not followed by two hex digits) or a malformed header: 400
 *       {@code {"message":"Bad Request"}};</li>
 *   <li>the request line and the header values over {@value #HEAD_LIMIT} bytes together (the HTTP API quota
 *       "total combined size of request line and header values"): 431, or 414 when the request line alone is
 *       over; the head is never read past the limit;</li>
 *   <li>a body over {@value #BODY_LIMIT} bytes (the HTTP API's 10 MB payload quota): 413, decided from
 *       {@code Content-Length} before a byte of the body is read, or while counting a chunked body; what is
 *       refused is read into an 8 KB buffer and dropped, never held.</li>
 * </ul>
 *
 * <p>It takes the place of the JDK's {@code com.sun.net.httpserver} on this port: that server parses the target
 * with {@code java.net.URI} and, when that throws, writes {@code <h1>400 Bad Request</h1>URISyntaxException
 * thrown} itself ({@code ServerImpl.Exchange.reject}) before any handler can run, and it hands handlers bodies
 * of any size. One thread per connection, keep-alive, at most {@value #MAX_CONNECTIONS} connections at once
 * (more get 503).
 */
final class GatewayListener implements AutoCloseable {

    /** Request line + header values, in bytes (API Gateway HTTP API quota, not adjustable). */
    static final int HEAD_LIMIT = 10_240;
    /** Request body, in bytes (API Gateway HTTP API payload quota: 10 MB). */
    static final int BODY_LIMIT = 10 * 1024 * 1024;
    /** Connections served at once. */
    static final int MAX_CONNECTIONS = 256;

    /** The raw head, header names and line ends included, is never read past this many bytes. */
    private static final int HEAD_BYTES_MAX = 2 * HEAD_LIMIT;
    private static final int MAX_HEADERS = 200;
    private static final int IDLE_TIMEOUT_MS = 60_000;
    private static final long DISCARD_NANOS = 2_000_000_000L;
    private static final long DISCARD_BYTES = 4L << 20;
    private static final DateTimeFormatter DATE = DateTimeFormatter.RFC_1123_DATE_TIME;
    private static final Map<Integer, String> REASONS = Map.ofEntries(
            Map.entry(100, "Continue"), Map.entry(200, "OK"), Map.entry(201, "Created"), Map.entry(202, "Accepted"),
            Map.entry(204, "No Content"), Map.entry(301, "Moved Permanently"), Map.entry(302, "Found"),
            Map.entry(304, "Not Modified"), Map.entry(400, "Bad Request"), Map.entry(401, "Unauthorized"),
            Map.entry(403, "Forbidden"), Map.entry(404, "Not Found"), Map.entry(405, "Method Not Allowed"),
            Map.entry(409, "Conflict"), Map.entry(410, "Gone"), Map.entry(413, "Request Entity Too Large"),
            Map.entry(414, "Request-URI Too Long"), Map.entry(415, "Unsupported Media Type"),
            Map.entry(422, "Unprocessable Entity"), Map.entry(429, "Too Many Requests"),
            Map.entry(431, "Request Header Fields Too Large"), Map.entry(500, "Internal Server Error"),
            Map.entry(502, "Bad Gateway"), Map.entry(503, "Service Unavailable"), Map.entry(504, "Gateway Timeout"));

    /** Answers one request that passed the checks. */
    interface Handler {
        ApiGatewayEvents.HttpReply handle(ApiGatewayEvents.HttpRequest request);
    }

    /** A request refused before it reached the handler: the status and why (for the log, never the raw input). */
    private static final class Refusal extends Exception {
        final int status;

        Refusal(int status, String why) {
            super(why, null, false, false);
            this.status = status;
        }
    }

    /** A request line and headers that passed the checks. */
    private record Head(String method, String rawPath, String rawQuery, String protocol,
                        List<Map.Entry<String, String>> headers) {
        List<String> all(String name) {
            List<String> values = new ArrayList<>();
            for (Map.Entry<String, String> header : headers) {
                if (header.getKey().equalsIgnoreCase(name)) {
                    values.add(header.getValue());
                }
            }
            return values;
        }

        boolean hasToken(String name, String token) {
            for (String value : all(name)) {
                for (String item : value.split(",")) {
                    if (item.trim().equalsIgnoreCase(token)) {
                        return true;
                    }
                }
            }
            return false;
        }

        boolean keepAlive() {
            return protocol.equals("HTTP/1.1") ? !hasToken("Connection", "close") : hasToken("Connection", "keep-alive");
        }
    }

    private final ServerSocket server;
    private final Handler handler;
    private final ExecutorService threads;
    private final Consumer<String> log;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * Binds {@code host:port} (0: a free port); {@link #start} then serves each connection on {@code threads}.
     *
     * @param log receives one line per refused request (status and reason, never the raw request)
     */
    GatewayListener(String host, int port, Handler handler, ExecutorService threads, Consumer<String> log) throws IOException {
        this.handler = handler;
        this.threads = threads;
        this.log = log;
        this.server = new ServerSocket();
        try {
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(host, port), 128);
        } catch (IOException e) {
            server.close();
            throw e;
        }
    }

    /** Starts accepting connections. */
    void start() {
        Thread acceptor = new Thread(this::accept, "local-api-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The port listened on. */
    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!closed) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                continue;
            }
            if (open.size() >= MAX_CONNECTIONS) {
                try (socket) {
                    OutputStream out = socket.getOutputStream();
                    write(out, json(503), false, false);
                    out.flush();
                } catch (IOException ignored) {
                    // the client went away
                }
                continue;
            }
            open.add(socket);
            try {
                threads.execute(() -> serve(socket));
            } catch (RejectedExecutionException stopping) {
                open.remove(socket);
                closeQuietly(socket);
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(IDLE_TIMEOUT_MS);
            InputStream in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
            String sourceIp = socket.getInetAddress().getHostAddress();
            while (!closed) {
                Head head;
                byte[] body;
                try {
                    head = readHead(in);
                    if (head == null) {
                        return;
                    }
                    body = readBody(head, in, out);
                } catch (Refusal refusal) {
                    log.accept("refused " + refusal.status + " before any route: " + refusal.getMessage());
                    refuse(socket, in, out, refusal.status);
                    return;
                }
                if (body == null) {
                    return; // the client closed in the middle of its body
                }
                ApiGatewayEvents.HttpReply reply;
                try {
                    reply = handler.handle(new ApiGatewayEvents.HttpRequest(head.method(), head.rawPath(), head.rawQuery(),
                            head.headers(), body, sourceIp, head.protocol()));
                } catch (RuntimeException e) {
                    log.accept("ERROR serving " + head.method() + ": " + e);
                    reply = json(500);
                }
                boolean keepAlive = head.keepAlive() && !closed;
                write(out, reply, head.method().equals("HEAD"), keepAlive);
                out.flush();
                if (!keepAlive) {
                    return;
                }
            }
        } catch (IOException e) {
            // idle timeout, or the client went away
        } finally {
            open.remove(socket);
        }
    }

    // ---- the head -------------------------------------------------------------------------------------------

    /** The next request's head, or null when the connection ends cleanly before one. */
    private static Head readHead(InputStream in) throws IOException, Refusal {
        int[] read = {0};
        byte[] line;
        do {
            line = readLine(in, read, true);
            if (line == null) {
                return null;
            }
        } while (line.length == 0 && read[0] <= 4); // tolerate a stray CRLF before a request (RFC 9112 §2.2)
        if (line.length == 0) {
            throw new Refusal(400, "empty lines instead of a request line");
        }
        if (line.length > HEAD_LIMIT) {
            throw new Refusal(414, "request line over " + HEAD_LIMIT + " bytes");
        }
        String requestLine = requestLine(line);
        int firstSpace = requestLine.indexOf(' ');
        int lastSpace = requestLine.lastIndexOf(' ');
        if (firstSpace <= 0 || lastSpace == firstSpace || requestLine.indexOf(' ', firstSpace + 1) != lastSpace) {
            throw new Refusal(400, "request line is not METHOD TARGET VERSION");
        }
        String method = requestLine.substring(0, firstSpace);
        String target = requestLine.substring(firstSpace + 1, lastSpace);
        String protocol = requestLine.substring(lastSpace + 1);
        if (!isToken(method)) {
            throw new Refusal(400, "method is not a token");
        }
        if (!protocol.equals("HTTP/1.1") && !protocol.equals("HTTP/1.0")) {
            throw new Refusal(400, "version is not HTTP/1.1 or HTTP/1.0");
        }
        checkTarget(target);
        int query = target.indexOf('?');
        String rawPath = query < 0 ? target : target.substring(0, query);
        String rawQuery = query < 0 ? null : target.substring(query + 1);

        int counted = line.length;
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        while (true) {
            byte[] header = readLine(in, read, false);
            if (header == null) {
                throw new Refusal(400, "connection closed inside the headers");
            }
            if (header.length == 0) {
                break;
            }
            if (headers.size() >= MAX_HEADERS) {
                throw new Refusal(431, "more than " + MAX_HEADERS + " headers");
            }
            Map.Entry<String, String> parsed = header(header);
            counted += parsed.getValue().length();
            if (counted > HEAD_LIMIT) {
                throw new Refusal(431, "request line and header values over " + HEAD_LIMIT + " bytes");
            }
            headers.add(parsed);
        }
        if (protocol.equals("HTTP/1.1") && new Head(method, rawPath, rawQuery, protocol, headers).all("Host").size() != 1) {
            throw new Refusal(400, "an HTTP/1.1 request needs exactly one Host header");
        }
        return new Head(method.toUpperCase(Locale.ROOT), rawPath, rawQuery, protocol, List.copyOf(headers));
    }

    /**
     * One line without its CRLF, reading no more than what is left of {@value #HEAD_BYTES_MAX} head bytes; null at
     * end of stream before the line's first byte. A CR not followed by LF, or an LF without its CR, is refused.
     */
    private static byte[] readLine(InputStream in, int[] read, boolean first) throws IOException, Refusal {
        java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream(128);
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (line.size() == 0 && first) {
                    return null;
                }
                throw new Refusal(400, "connection closed inside the head");
            }
            if (++read[0] > HEAD_BYTES_MAX) {
                throw first && line.size() + 1 > HEAD_LIMIT
                        ? new Refusal(414, "request line over " + HEAD_LIMIT + " bytes")
                        : new Refusal(431, "request head over " + HEAD_BYTES_MAX + " bytes");
            }
            if (b == '\r') {
                if (in.read() != '\n') {
                    throw new Refusal(400, "CR without LF in the head");
                }
                read[0]++;
                return line.toByteArray();
            }
            if (b == '\n') {
                throw new Refusal(400, "LF without CR in the head");
            }
            line.write(b);
        }
    }

    private static String requestLine(byte[] line) throws Refusal {
        for (byte b : line) {
            if (b < 0x20 || b > 0x7e) {
                throw new Refusal(400, "control or non-ASCII byte in the request line");
            }
        }
        return new String(line, StandardCharsets.US_ASCII);
    }

    /** An origin-form target: {@code /}, then visible ASCII, each {@code %} followed by two hex digits, no fragment. */
    private static void checkTarget(String target) throws Refusal {
        if (!target.startsWith("/")) {
            throw new Refusal(400, "target is not a path starting with /");
        }
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c == '#') {
                throw new Refusal(400, "fragment in the target");
            }
            if (c == '%') {
                if (i + 2 >= target.length() || hex(target.charAt(i + 1)) < 0 || hex(target.charAt(i + 2)) < 0) {
                    throw new Refusal(400, "% not followed by two hex digits");
                }
            }
        }
    }

    private static Map.Entry<String, String> header(byte[] line) throws Refusal {
        if (line[0] == ' ' || line[0] == '\t') {
            throw new Refusal(400, "folded header line");
        }
        int colon = -1;
        for (int i = 0; i < line.length; i++) {
            if (line[i] == ':') {
                colon = i;
                break;
            }
        }
        if (colon <= 0) {
            throw new Refusal(400, "header line without a name and a colon");
        }
        String name = new String(line, 0, colon, StandardCharsets.US_ASCII);
        if (!isToken(name)) {
            throw new Refusal(400, "header name is not a token");
        }
        int start = colon + 1;
        int end = line.length;
        while (start < end && (line[start] == ' ' || line[start] == '\t')) {
            start++;
        }
        while (end > start && (line[end - 1] == ' ' || line[end - 1] == '\t')) {
            end--;
        }
        for (int i = start; i < end; i++) {
            int b = line[i] & 0xff;
            if ((b < 0x20 && b != '\t') || b == 0x7f) {
                throw new Refusal(400, "control character in a header value");
            }
        }
        return Map.entry(name, new String(line, start, end - start, StandardCharsets.ISO_8859_1));
    }

    // ---- the body -------------------------------------------------------------------------------------------

    /** The body, at most {@value #BODY_LIMIT} bytes; null when the client closed in the middle of it. */
    private static byte[] readBody(Head head, InputStream in, OutputStream out) throws IOException, Refusal {
        List<String> encodings = head.all("Transfer-Encoding");
        List<String> lengths = head.all("Content-Length");
        if (!encodings.isEmpty()) {
            if (!lengths.isEmpty()) {
                throw new Refusal(400, "both Transfer-Encoding and Content-Length");
            }
            if (encodings.size() != 1 || !encodings.get(0).trim().equalsIgnoreCase("chunked")) {
                throw new Refusal(400, "a Transfer-Encoding other than chunked");
            }
            continueIfExpected(head, out);
            return readChunked(in);
        }
        long length = 0;
        if (!lengths.isEmpty()) {
            String value = lengths.get(0);
            for (String other : lengths) {
                if (!other.equals(value)) {
                    throw new Refusal(400, "Content-Length headers that differ");
                }
            }
            if (value.isEmpty() || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new Refusal(400, "Content-Length is not a number");
            }
            length = value.length() > 18 ? Long.MAX_VALUE : Long.parseLong(value);
        }
        if (length > BODY_LIMIT) {
            throw new Refusal(413, "Content-Length " + length + " over " + BODY_LIMIT + " bytes");
        }
        if (length == 0) {
            return new byte[0];
        }
        continueIfExpected(head, out);
        byte[] body = in.readNBytes((int) length);
        return body.length == length ? body : null;
    }

    private static void continueIfExpected(Head head, OutputStream out) throws IOException {
        if (head.protocol().equals("HTTP/1.1") && head.hasToken("Expect", "100-continue")) {
            out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
    }

    private static byte[] readChunked(InputStream in) throws IOException, Refusal {
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        while (true) {
            String sizeLine = chunkLine(in);
            int semicolon = sizeLine.indexOf(';');
            String hexSize = (semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim();
            if (hexSize.isEmpty() || hexSize.length() > 8 || !hexSize.chars().allMatch(c -> hex((char) c) >= 0)) {
                throw new Refusal(400, "bad chunk size");
            }
            long size = Long.parseLong(hexSize, 16);
            if (size == 0) {
                while (!chunkLine(in).isEmpty()) {
                    // trailers: read and dropped
                }
                return body.toByteArray();
            }
            if (body.size() + size > BODY_LIMIT) {
                throw new Refusal(413, "chunked body over " + BODY_LIMIT + " bytes");
            }
            byte[] chunk = in.readNBytes((int) size);
            if (chunk.length != size) {
                return null;
            }
            body.write(chunk);
            if (!chunkLine(in).isEmpty()) {
                throw new Refusal(400, "chunk longer than its size");
            }
        }
    }

    private static String chunkLine(InputStream in) throws IOException, Refusal {
        StringBuilder line = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new Refusal(400, "connection closed inside a chunked body");
            }
            if (b == '\r') {
                if (in.read() != '\n') {
                    throw new Refusal(400, "CR without LF in a chunked body");
                }
                return line.toString();
            }
            if (b == '\n' || line.length() >= 1024) {
                throw new Refusal(400, "bad chunk line");
            }
            line.append((char) b);
        }
    }

    // ---- replies --------------------------------------------------------------------------------------------

    /** API Gateway's JSON error for {@code status}: {@code {"message":"<reason>"}}. */
    static ApiGatewayEvents.HttpReply json(int status) {
        return ApiGatewayEvents.HttpReply.json(status, "{\"message\":\"" + reason(status) + "\"}");
    }

    /**
     * Answers a refused request, closes the sending side, and drops what the client still sends (2 s and 4 MB at
     * most, so it can read the answer before the connection closes) in an 8 KB buffer.
     */
    private static void refuse(Socket socket, InputStream in, OutputStream out, int status) {
        try {
            write(out, json(status), false, false);
            out.flush();
            socket.shutdownOutput();
            socket.setSoTimeout(250);
            byte[] sink = new byte[8192];
            long deadline = System.nanoTime() + DISCARD_NANOS;
            long dropped = 0;
            for (int n = 0; n >= 0 && dropped < DISCARD_BYTES && System.nanoTime() < deadline; n = in.read(sink)) {
                dropped += n; // a refused body is never kept
            }
        } catch (IOException ignored) {
            // the client went away or stopped sending
        }
    }

    private static void write(OutputStream out, ApiGatewayEvents.HttpReply reply, boolean head, boolean keepAlive) throws IOException {
        int status = reply.status();
        boolean bodyAllowed = status >= 200 && status != 204 && status != 304;
        StringBuilder text = new StringBuilder(256);
        text.append("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
        boolean dated = false;
        for (Map.Entry<String, String> header : reply.headers()) {
            String name = header.getKey();
            String value = header.getValue();
            if (name == null || value == null || !isToken(name) || value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0
                    || value.indexOf('\0') >= 0) {
                continue; // never split a response on a function's header
            }
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.equals("content-length") || lower.equals("transfer-encoding") || lower.equals("connection")) {
                continue;
            }
            dated |= lower.equals("date");
            text.append(name).append(": ").append(value).append("\r\n");
        }
        if (!dated) {
            text.append("Date: ").append(DATE.format(ZonedDateTime.now(ZoneOffset.UTC))).append("\r\n");
        }
        if (bodyAllowed) {
            text.append("Content-Length: ").append(reply.body().length).append("\r\n");
        }
        if (!keepAlive) {
            text.append("Connection: close\r\n");
        }
        text.append("\r\n");
        out.write(text.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (bodyAllowed && !head) {
            out.write(reply.body());
        }
    }

    static String reason(int status) {
        return REASONS.getOrDefault(status, "Status " + status);
    }

    private static boolean isToken(String text) {
        if (text.isEmpty()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static int hex(char c) {
        return c < 128 ? Character.digit(c, 16) : -1;
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    /** Stops accepting and closes every open connection. */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // already closed
        }
        open.forEach(GatewayListener::closeQuietly);
    }
}
