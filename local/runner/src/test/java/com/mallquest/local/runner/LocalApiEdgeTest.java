package com.mallquest.local.runner;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * start-api's front door, tried as a hostile client would, over raw sockets: what API Gateway refuses before any
 * route or function (malformed request lines, the header and body quotas) gets API Gateway's JSON error and never
 * reaches a function; the access log hides secret path parameters; the dev sign-in answers only this runner's
 * own loopback origin, and is off on a network address unless allowed.
 */
class LocalApiEdgeTest {

    private static FixtureStack fixture;
    private static LocalStack stack;
    private static LocalApi api;

    @BeforeAll
    static void start() {
        fixture = new FixtureStack();
        stack = LocalStack.open(fixture.options(FixtureStack.shell(Map.of()), Map.of(), Optional.empty()), Optional.empty());
        api = LocalApi.start(stack, "127.0.0.1", 0, false);
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    /** A response read off the wire: status, headers (names lower-cased), body. */
    private record Raw(int status, Map<String, String> headers, String body) {
        @Override
        public String toString() {
            return status + " " + headers.get("content-type") + " " + body.substring(0, Math.min(200, body.length()));
        }

        boolean isApiGatewayJson() {
            return "application/json".equals(headers.get("content-type")) && body.startsWith("{") && !body.contains("<");
        }
    }

    /** Sends {@code request} as bytes on a fresh connection and reads one response. */
    private static Raw raw(byte[] request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", api.port())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(request);
            socket.getOutputStream().flush();
            return read(socket.getInputStream());
        }
    }

    private static Raw raw(String request) throws IOException {
        return raw(request.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static Raw read(InputStream in) throws IOException {
        String statusLine = line(in);
        Map<String, String> headers = new java.util.HashMap<>();
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
            int colon = header.indexOf(':');
            headers.put(header.substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT), header.substring(colon + 1).trim());
        }
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
        return new Raw(Integer.parseInt(statusLine.split(" ")[1]), headers, body);
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection closed after: " + line);
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    private static String host() {
        return "127.0.0.1:" + api.port();
    }

    @Test
    void malformedRequest_shouldGetApiGatewaysJson400_neverTheJdkHtmlPage_norAFunction() throws Exception {
        List<byte[]> hostile = new ArrayList<>();
        for (String line : List.of("GET /users/%%%/x HTTP/1.1", "GET /open/%zz HTTP/1.1", "GET /open/a%2 HTTP/1.1",
                "GET /open/1?q=%% HTTP/1.1", "GET /open/a b HTTP/1.1", "GET  /open/1 HTTP/1.1", "GET /open/a\u0001b HTTP/1.1",
                "GET /open/a\u007fb HTTP/1.1", "GET /open/a\tb HTTP/1.1", "GET /open/1#top HTTP/1.1", "GET open/1 HTTP/1.1",
                "GET http://elsewhere/open/1 HTTP/1.1", "G(T /open/1 HTTP/1.1", "GET /open/1 HTTP/9.9", "GET /open/1")) {
            hostile.add((line + "\r\nHost: " + host() + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        }
        hostile.add(("GET /open/caf\u00e9 HTTP/1.1\r\nHost: " + host() + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        hostile.add(("GET /open/1 HTTP/1.1\r\nHost: " + host() + "\r\nX-Bad: a\u0000b\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        hostile.add(("GET /open/1 HTTP/1.1\r\nHost: " + host() + "\r\nX-Folded: a\r\n b\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        hostile.add(("GET /open/1 HTTP/1.1\r\nHost: " + host() + "\r\nno colon here\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        hostile.add(("GET /open/1 HTTP/1.1\nHost: " + host() + "\n\n").getBytes(StandardCharsets.ISO_8859_1));
        hostile.add("GET /open/1 HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        hostile.add(("POST /open/1 HTTP/1.1\r\nHost: " + host() + "\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        hostile.add(("POST /open/1 HTTP/1.1\r\nHost: " + host() + "\r\nContent-Length: -1\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        LocalFunction echo = stack.function("EchoFunction");
        long before = echo.invocations();
        for (byte[] request : hostile) {
            String shown = new String(request, StandardCharsets.ISO_8859_1).split("\r?\n")[0];
            // WHEN a malformed request is sent
            Raw response = raw(request);
            // THEN API Gateway's JSON 400, never an HTML page
            assertEquals(400, response.status(), shown);
            assertEquals("{\"message\":\"Bad Request\"}", response.body(), shown);
            assertTrue(response.isApiGatewayJson(), shown + ": " + response);
        }
        // AND no function ran
        assertEquals(before, echo.invocations());
    }

    @Test
    void anyTarget_shouldBeAnsweredWithJson_whenFuzzed() throws Exception {
        // GIVEN 300 request targets of random bytes (fixed seed) under a JWT route, so no web page can answer
        Random random = new Random(20);
        for (int i = 0; i < 300; i++) {
            ByteArrayOutputStream target = new ByteArrayOutputStream();
            target.writeBytes("/items/".getBytes(StandardCharsets.US_ASCII));
            for (int n = 1 + random.nextInt(12); n > 0; n--) {
                String alphabet = "%%/?&=#{}|^`\\\"<>aZ09-._~";
                int b = random.nextInt(4) == 0 ? random.nextInt(256) : alphabet.charAt(random.nextInt(alphabet.length()));
                if (b != '\r' && b != '\n') {
                    target.write(b);
                }
            }
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            request.writeBytes("GET ".getBytes(StandardCharsets.US_ASCII));
            request.writeBytes(target.toByteArray());
            request.writeBytes((" HTTP/1.1\r\nHost: " + host() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            // WHEN it is sent
            Raw response = raw(request.toByteArray());
            // THEN the answer is API Gateway's JSON (400, 401 or 404), whatever the bytes
            String shown = target.toString(StandardCharsets.ISO_8859_1);
            assertTrue(response.isApiGatewayJson(), shown + " -> " + response);
            assertTrue(List.of(400, 401, 404).contains(response.status()), shown + " -> " + response);
        }
    }

    @Test
    void legalButUnusualTarget_shouldReachTheRoute() throws Exception {
        // GIVEN a target with characters java.net.URI refuses but HTTP allows ({ } | ^ ` in a query, as browsers send them)
        Raw response = raw("GET /open/7?f={a}|b^c`d HTTP/1.1\r\nHost: " + host() + "\r\nConnection: close\r\n\r\n");
        // THEN the function gets it, query as sent
        assertEquals(201, response.status(), "the echo function answers 201");
        JsonNode event = JsonText.MAPPER.readTree(response.body()).get("event");
        assertEquals("f={a}|b^c`d", event.get("rawQueryString").asText());
        assertEquals("7", event.at("/pathParameters/id").asText());
    }

    @Test
    void bodyOver10Mb_shouldGet413_beforeAnyOfItIsRead_andNoFunctionRuns() throws Exception {
        LocalFunction echo = stack.function("EchoFunction");
        long before = echo.invocations();
        // GIVEN a request announcing a 100 MB body (none of it sent)
        Raw announced = raw("POST /echo/upload HTTP/1.1\r\nHost: " + host() + "\r\nContent-Type: application/octet-stream\r\n"
                + "Content-Length: " + (100L << 20) + "\r\n\r\n");
        // THEN 413 in API Gateway's words, answered from the header alone
        assertEquals(413, announced.status());
        assertEquals("{\"message\":\"Request Entity Too Large\"}", announced.body());
        assertTrue(announced.isApiGatewayJson());
        // AND a body of exactly 10 MB is still accepted (the quota, not one byte less)
        Raw atLimit = rawWithBody(GatewayListener.BODY_LIMIT);
        assertTrue(atLimit.status() == 401, "10 MB passes the front door to the authorizer: " + atLimit.status());
        assertEquals(before, echo.invocations(), "no function ran");
    }

    private static Raw rawWithBody(int size) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", api.port())) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /echo/upload HTTP/1.1\r\nHost: " + host() + "\r\nContent-Type: application/octet-stream\r\n"
                    + "Content-Length: " + size + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] block = new byte[64 * 1024];
            for (int sent = 0; sent < size; sent += block.length) {
                out.write(block, 0, Math.min(block.length, size - sent));
            }
            out.flush();
            return read(socket.getInputStream());
        }
    }

    @Test
    void chunkedBodyOver10Mb_shouldGet413_andTheConnectionEnds_beforeTheClientSendsIt() throws Exception {
        LocalFunction echo = stack.function("EchoFunction");
        long before = echo.invocations();
        try (Socket socket = new Socket("127.0.0.1", api.port())) {
            socket.setSoTimeout(30_000);
            // GIVEN a client streaming a 100 MB chunked body to a public route
            CompletableFuture<Raw> response = CompletableFuture.supplyAsync(() -> {
                try {
                    return read(socket.getInputStream());
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            AtomicLong sent = new AtomicLong();
            OutputStream out = socket.getOutputStream();
            out.write(("POST /open/1 HTTP/1.1\r\nHost: " + host() + "\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[64 * 1024];
            byte[] size = (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            try {
                while (sent.get() < (100L << 20)) {
                    out.write(size);
                    out.write(chunk);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    sent.addAndGet(chunk.length);
                }
            } catch (IOException closedByTheServer) {
                // expected: the server stopped reading
            }
            // THEN 413 JSON, and the server closed the connection long before the 100 MB went through
            Raw refused = response.get(30, TimeUnit.SECONDS);
            assertEquals(413, refused.status());
            assertTrue(refused.isApiGatewayJson(), refused.toString());
            assertTrue(sent.get() < (40L << 20), "the server read on to " + (sent.get() >> 20) + " MB");
        }
        assertEquals(before, echo.invocations(), "no function ran");
    }

    @Test
    void headersOverTheQuota_shouldGet431_andNoFunctionRuns() throws Exception {
        LocalFunction echo = stack.function("EchoFunction");
        long before = echo.invocations();
        // GIVEN a 100 KB bearer token on a public route
        Raw bearer = raw("GET /open/1 HTTP/1.1\r\nHost: " + host() + "\r\nAuthorization: Bearer " + "a".repeat(100 * 1024) + "\r\n\r\n");
        // THEN it is refused before the route: 431 JSON
        assertEquals(431, bearer.status());
        assertEquals("{\"message\":\"Request Header Fields Too Large\"}", bearer.body());
        assertEquals(before, echo.invocations(), "no function ran");
        // AND the quota counts the request line and the header values: 10,240 bytes pass, 10,241 do not
        String requestLine = "GET /open/1 HTTP/1.1";
        int padding = GatewayListener.HEAD_LIMIT - requestLine.length() - host().length() - "close".length();
        Raw atQuota = raw(requestLine + "\r\nHost: " + host() + "\r\nConnection: close\r\nX-Pad: " + "p".repeat(padding) + "\r\n\r\n");
        assertEquals(201, atQuota.status(), "10,240 bytes reach the echo function");
        Raw overQuota = raw(requestLine + "\r\nHost: " + host() + "\r\nConnection: close\r\nX-Pad: " + "p".repeat(padding + 1) + "\r\n\r\n");
        assertEquals(431, overQuota.status());
        // AND a request line alone over the quota is 414
        assertEquals(414, raw("GET /open/" + "x".repeat(GatewayListener.HEAD_LIMIT) + " HTTP/1.1\r\nHost: " + host() + "\r\n\r\n").status());
    }

    @Test
    void keepAlive_shouldServeSeveralRequestsOnOneConnection() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", api.port())) {
            socket.setSoTimeout(30_000);
            for (int i = 0; i < 3; i++) {
                socket.getOutputStream().write(("GET /open/k" + i + " HTTP/1.1\r\nHost: " + host() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                Raw response = read(socket.getInputStream());
                assertEquals(201, response.status());
                assertEquals("k" + i, JsonText.MAPPER.readTree(response.body()).at("/event/pathParameters/id").asText());
            }
        }
    }

    @Test
    void accessLog_shouldWriteSecretPathParametersAsTheirName_neverTheValue() throws Exception {
        // GIVEN the fixture template lists itemId in its HttpApi's Metadata.SecretPathParameters
        assertEquals(List.of("itemId"), stack.template().secretPathParameters());
        // WHEN requests carry a secret in that parameter: unauthenticated, the wrong method, a query
        raw("GET /items/S3CRET-CODE-1 HTTP/1.1\r\nHost: " + host() + "\r\nConnection: close\r\n\r\n");
        raw("DELETE /items/S3CRET-CODE-2 HTTP/1.1\r\nHost: " + host() + "\r\nConnection: close\r\n\r\n");
        raw("GET /items/S3CRET-CODE-3?code=S3CRET-CODE-4 HTTP/1.1\r\nHost: " + host() + "\r\nConnection: close\r\n\r\n");
        // THEN the access log names the route's parameter, never the code
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (fixture.lines.stream().filter(l -> l.contains("/items/{itemId}")).count() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(fixture.lines.stream().anyMatch(l -> l.startsWith("GET /items/{itemId} -> EchoFunction 401")), fixture.lines.toString());
        assertTrue(fixture.lines.stream().anyMatch(l -> l.startsWith("DELETE /items/{itemId} -> - 404")), fixture.lines.toString());
        assertFalse(fixture.lines.stream().anyMatch(l -> l.contains("S3CRET")), fixture.lines.toString());
        // AND other path parameters are written as sent
        raw("GET /open/visible-7 HTTP/1.1\r\nHost: " + host() + "\r\nConnection: close\r\n\r\n");
        assertTrue(fixture.lines.stream().anyMatch(l -> l.startsWith("GET /open/visible-7 -> EchoFunction 201")), fixture.lines.toString());
    }

    private static Raw devToken(String hostHeader, String origin) throws IOException {
        String body = "{\"sub\":\"mallory\",\"groups\":[\"admin\"]}";
        return raw("POST /local/dev-token HTTP/1.1\r\nHost: " + hostHeader + "\r\n" + (origin == null ? "" : "Origin: " + origin + "\r\n")
                + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body);
    }

    @Test
    void devToken_shouldAnswerOnlyThisRunnersLoopbackOrigin() throws Exception {
        int port = api.port();
        // GIVEN requests a rebinding page or another site would send
        Map<String, Raw> refused = new java.util.LinkedHashMap<>();
        refused.put("rebound DNS name", devToken("attacker.example:" + port, null));
        refused.put("rebound name, its own origin", devToken("attacker.example:" + port, "http://attacker.example:" + port));
        refused.put("localhost name under another domain", devToken("localhost.attacker.example:" + port, null));
        refused.put("another port", devToken("127.0.0.1:" + (port == 1 ? 2 : port - 1), null));
        refused.put("no port (80)", devToken("127.0.0.1", null));
        refused.put("another site's page", devToken("127.0.0.1:" + port, "http://attacker.example"));
        refused.put("opaque origin", devToken("127.0.0.1:" + port, "null"));
        refused.put("LAN address", devToken("192.168.1.20:" + port, null));
        refused.put("bad IPv4", devToken("999.0.0.1:" + port, null));
        for (Map.Entry<String, Raw> c : refused.entrySet()) {
            // THEN each is refused with a JSON 403 and no token
            assertEquals(403, c.getValue().status(), c.getKey() + ": " + c.getValue());
            assertTrue(c.getValue().isApiGatewayJson(), c.getKey());
            assertFalse(c.getValue().body().contains("token\""), c.getKey());
        }
        // AND this runner's own names and origin mint tokens
        for (String[] ok : new String[][]{{"127.0.0.1:" + port, null}, {"localhost:" + port, "http://localhost:" + port},
                {"127.0.0.1:" + port, "http://127.0.0.1:" + port}, {"[::1]:" + port, null}}) {
            Raw minted = devToken(ok[0], ok[1]);
            assertEquals(200, minted.status(), ok[0] + " " + ok[1] + ": " + minted);
            assertTrue(JsonText.MAPPER.readTree(minted.body()).get("token").asText().split("\\.").length == 3);
        }
    }

    @Test
    void networkHost_shouldWarn_andTurnDevTokenOff_unlessAllowed() throws Exception {
        // GIVEN start-api on every address (--host 0.0.0.0)
        try (LocalApi open = LocalApi.start(stack, "0.0.0.0", 0, false)) {
            // THEN the banner warns, naming the published development secret and the dev sign-in
            String banner = String.join("\n", open.banner("0.0.0.0"));
            assertTrue(banner.startsWith("WARNING: --host 0.0.0.0 serves the API beyond this machine"), banner);
            assertTrue(banner.contains(LocalJwt.SECRET_VARIABLE) && banner.contains("/local/dev-token"), banner);
            // AND the dev sign-in is off, even from loopback, and config.json says so
            Raw minted = rawTo(open.port(), "POST /local/dev-token HTTP/1.1\r\nHost: 127.0.0.1:" + open.port()
                    + "\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
            assertEquals(403, minted.status(), minted.toString());
            Raw config = rawTo(open.port(), "GET /config.json HTTP/1.1\r\nHost: 127.0.0.1:" + open.port() + "\r\nConnection: close\r\n\r\n");
            assertFalse(JsonText.MAPPER.readTree(config.body()).get("devSignIn").asBoolean());
        }
        // WHEN --allow-network-dev-token is given
        try (LocalApi allowed = LocalApi.start(stack, "0.0.0.0", 0, false, true)) {
            // THEN a device on the network reaching it by IP address can sign in; a DNS name still cannot
            String body = "{\"sub\":\"phone\"}";
            Raw minted = rawTo(allowed.port(), "POST /local/dev-token HTTP/1.1\r\nHost: 192.168.1.20:" + allowed.port()
                    + "\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body);
            assertEquals(200, minted.status(), minted.toString());
            Raw named = rawTo(allowed.port(), "POST /local/dev-token HTTP/1.1\r\nHost: attacker.example:" + allowed.port()
                    + "\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body);
            assertEquals(403, named.status());
        }
        // AND on loopback there is no warning
        assertFalse(String.join("\n", api.banner("127.0.0.1")).contains("WARNING"));
    }

    private static Raw rawTo(int port, String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return read(socket.getInputStream());
        }
    }

    @Test
    void jwtIssuedByTheRunner_shouldStillPass_afterTheFrontDoor() throws Exception {
        // GIVEN a token from the runner's own signer, sent through the new front door on a keep-alive connection
        LocalJwt jwt = new LocalJwt(LocalJwt.DEVELOPMENT_SECRET, stack.template().jwtRules(), Clock.systemUTC());
        Raw response = raw("GET /items/9 HTTP/1.1\r\nHost: " + host() + "\r\nAuthorization: Bearer "
                + jwt.issue("alice", List.of("admin"), 600) + "\r\nConnection: close\r\n\r\n");
        // THEN the route runs
        assertEquals(201, response.status(), response.body().substring(0, Math.min(300, response.body().length())));
    }
}
