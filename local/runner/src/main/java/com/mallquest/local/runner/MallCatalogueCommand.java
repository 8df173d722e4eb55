package com.mallquest.local.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code catalogue import <file> --api URL --token TOKEN} and {@code catalogue export --api URL --token TOKEN}: a mall's
 * catalogue (stores, their public keys, rewards) in and out of a running stack through its admin API only (HTTP and
 * JSON; nothing of the application is imported). The import is idempotent: a store equal to the stack's is left
 * alone, a changed one is replaced from the version read ({@code If-Match}), a key already registered answers 200,
 * a reward is put as it is. It refuses a file holding development data (the seed's stores and keys, whose private
 * halves are published) before writing anything.
 *
 * <p>The file: {@code {"stores":[{"storeId","name","category","floor","multiplier","maxReceiptAmount","verification",
 * "aliases","active","keys":[{"kid","x","status"}]}],"rewards":[{"rewardId",…the body of PUT /admin/rewards/{id}}]}}.
 */
final class MallCatalogueCommand {

    private static final List<String> STORE_FIELDS = List.of("name", "category", "floor", "multiplier", "maxReceiptAmount",
            "verification", "aliases", "active");

    /** The fields of a reward the export writes: those {@code PUT /admin/rewards/{rewardId}} takes (and its id). */
    private static final List<String> REWARD_FIELDS = List.of("rewardId", "title", "description", "storeId", "costCoins",
            "perUserLimit", "validFrom", "validTo", "minLevel", "couponValidDays", "active");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final URI api;
    private final String token;
    private final PrintStream stdout;

    MallCatalogueCommand(String api, String token, PrintStream stdout) {
        this.api = URI.create(api.endsWith("/") ? api : api + "/");
        this.token = token;
        this.stdout = stdout;
    }

    /** Runs {@code import <file>} or {@code export} ({@code verb}) with the rest of the command line. */
    static int run(String verb, List<String> argv, PrintStream stdout) {
        Args args = Args.parse(argv);
        args.allow("api", "token");
        List<String> rest = args.positional();
        boolean importing = verb.equals("import");
        if (rest.size() != (importing ? 1 : 0)) {
            throw new UsageError(importing ? "catalogue import takes one file" : "catalogue export takes no file (it prints to stdout)");
        }
        String api = args.one("api").orElseThrow(() -> new UsageError("catalogue needs --api <the stack's URL>"));
        String token = args.one("token").orElseThrow(() -> new UsageError("catalogue needs --token <an admin's token>"));
        MallCatalogueCommand command = new MallCatalogueCommand(api, token, stdout);
        return importing ? command.importFile(Path.of(rest.get(0))) : command.export();
    }

    int importFile(Path file) {
        JsonNode catalogue;
        try {
            catalogue = JsonText.parse(Files.readAllBytes(file), file.toString());
        } catch (IOException e) {
            throw new UserError("Cannot read " + file + ": " + e.getMessage(), e);
        }
        refuseDevelopmentData(catalogue);
        int stores = 0;
        int keys = 0;
        int rewards = 0;
        for (JsonNode store : catalogue.path("stores")) {
            stores += putStore(store) ? 1 : 0;
            for (JsonNode key : store.path("keys")) {
                keys += putKey(store.path("storeId").asText(), key) ? 1 : 0;
            }
        }
        for (JsonNode reward : catalogue.path("rewards")) {
            ObjectNode body = reward.deepCopy();
            body.remove("rewardId");
            send("PUT", "admin/rewards/" + segment(reward.path("rewardId").asText()), body, null, 200, 201);
            rewards++;
        }
        stdout.println("catalogue: " + stores + " stores created or changed, " + keys + " keys registered or revoked, "
                + rewards + " rewards put");
        return 0;
    }

    /** The whole catalogue on stdout, in the import's format. */
    int export() {
        ObjectNode out = JsonText.MAPPER.createObjectNode();
        ArrayNode stores = out.putArray("stores");
        String cursor = null;
        do {
            JsonNode page = send("GET", "admin/stores?limit=100" + (cursor == null ? "" : "&cursor=" + segment(cursor)), null, null, 200).body();
            for (JsonNode store : page.path("stores")) {
                ObjectNode copy = store.deepCopy();
                copy.remove("version");
                if (!copy.path("development").asBoolean(false)) {
                    copy.remove("development");
                }
                ArrayNode keys = copy.putArray("keys");
                for (JsonNode key : send("GET", "admin/stores/" + segment(store.path("storeId").asText()) + "/keys", null, null, 200).body().path("keys")) {
                    ObjectNode k = keys.addObject().put("kid", key.path("kid").asText()).put("x", key.path("jwk").path("x").asText())
                            .put("status", key.path("status").asText());
                    if (key.path("development").asBoolean(false)) {
                        k.put("development", true);
                    }
                }
                stores.add(copy);
            }
            cursor = page.hasNonNull("nextCursor") ? page.get("nextCursor").asText() : null;
        } while (cursor != null);
        ArrayNode rewards = out.putArray("rewards");
        for (JsonNode reward : send("GET", "rewards", null, null, 200).body().path("rewards")) {
            ObjectNode row = rewards.addObject();
            for (String field : REWARD_FIELDS) {
                if (reward.hasNonNull(field)) {
                    row.set(field, reward.get(field));
                }
            }
            if (reward.hasNonNull("remaining")) {
                row.set("stock", reward.get("remaining"));
            }
        }
        stdout.println(out.toPrettyString());
        return 0;
    }

    /** Fails before any write when a store or key of the file is marked as development data. */
    static void refuseDevelopmentData(JsonNode catalogue) {
        for (JsonNode store : catalogue.path("stores")) {
            if (store.path("development").asBoolean(false)) {
                throw new UserError("Store '" + store.path("storeId").asText() + "' is marked as development data (the local "
                        + "seed, whose signing keys are published); it never goes to a deployed stack. Nothing was imported.");
            }
            for (JsonNode key : store.path("keys")) {
                if (key.path("development").asBoolean(false)) {
                    throw new UserError("Key '" + key.path("kid").asText() + "' is marked as development data (its private half "
                            + "is published); it never goes to a deployed stack. Nothing was imported.");
                }
            }
        }
    }

    /** Creates the store, or replaces it when it differs; true when something changed. */
    private boolean putStore(JsonNode store) {
        String id = store.path("storeId").asText();
        ObjectNode body = JsonText.MAPPER.createObjectNode();
        for (String field : STORE_FIELDS) {
            if (store.has(field) && !store.get(field).isNull()) {
                body.set(field, store.get(field));
            }
        }
        Reply current = send("GET", "admin/stores/" + segment(id), null, null, 200, 404);
        if (current.status() == 404) {
            send("PUT", "admin/stores/" + segment(id), body, null, 201);
            return true;
        }
        boolean same = STORE_FIELDS.stream().allMatch(f -> equal(body.get(f), current.body().get(f)));
        if (same) {
            return false;
        }
        send("PUT", "admin/stores/" + segment(id), body, current.etag().orElse(null), 200);
        return true;
    }

    /** Registers the key (and revokes it when the file says so); true when something changed. */
    private boolean putKey(String storeId, JsonNode key) {
        String path = "admin/stores/" + segment(storeId) + "/keys/" + segment(key.path("kid").asText());
        ObjectNode jwk = JsonText.MAPPER.createObjectNode().put("kty", "OKP").put("crv", "Ed25519").put("x", key.path("x").asText());
        Reply put = send("PUT", path, jwk, null, 200, 201, 409);
        boolean changed = put.status() == 201;
        if (put.status() == 409 && !"key_revoked".equals(put.body().at("/error/code").asText())) {
            throw new UserError("Key '" + key.path("kid").asText() + "' of " + storeId + ": " + put.body().at("/error/message").asText());
        }
        if ("revoked".equals(key.path("status").asText()) && put.status() != 409) {
            send("DELETE", path, null, null, 200);
            changed = true;
        }
        return changed;
    }

    private static boolean equal(JsonNode a, JsonNode b) {
        if (a == null || a.isNull()) {
            return b == null || b.isNull() || (b.isArray() && b.isEmpty());
        }
        if (a.isNumber() && b != null && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        return a.equals(b);
    }

    private record Reply(int status, JsonNode body, Optional<String> etag) { }

    private Reply send(String method, String path, JsonNode body, String ifMatch, int... expected) {
        HttpRequest.Builder request = HttpRequest.newBuilder(api.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(JsonText.bytes(body)));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (ifMatch != null) {
            request.header("If-Match", ifMatch);
        }
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UserError("Cannot reach " + api + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("Interrupted", e);
        }
        JsonNode json = response.body().length == 0 ? JsonText.MAPPER.createObjectNode() : JsonText.parse(response.body(), method + " /" + path);
        for (int status : expected) {
            if (response.statusCode() == status) {
                return new Reply(status, json, response.headers().firstValue("ETag"));
            }
        }
        throw new UserError(method + " /" + path + " answered " + response.statusCode() + ": " + json.at("/error/message").asText(json.toString()));
    }

    private static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
