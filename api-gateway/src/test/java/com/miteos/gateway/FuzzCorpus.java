package com.miteos.gateway;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * A corpus of hostile requests against the public API, generated deterministically from one
 * seed so that a failure can be replayed: malformed and deeply nested JSON, huge and
 * non-finite numbers, unicode with lone surrogates and control characters, every body field
 * and query parameter with every wrong type, ids of every shape in every path, oversized and
 * malformed headers, and requests that are not even valid HTTP (sent over a raw socket).
 *
 * <p>Every generated value that would itself look like a leak (a class name, a stack frame) is
 * dropped, because the API legitimately echoes some input (the prompt, a field name, the path).
 */
final class FuzzCorpus {

    /** What an answer must never contain: stack frames, exception or class names, our packages. */
    static final Pattern LEAK = Pattern.compile("\\bat [a-z]+\\.[a-z]|Exception|\\bjava\\.|\\bjavax\\.|\\bjakarta\\."
            + "|io\\.quarkus|io\\.vertx|io\\.netty|io\\.smallrye|com\\.miteos|com\\.fasterxml|org\\.jboss"
            + "|\\.java:\\d+");

    /** One request: a well-formed HTTP exchange, or (when {@code raw} is set) bytes sent as they are. */
    record FuzzRequest(String category, String method, String target, List<Map.Entry<String, String>> headers,
            byte[] body, byte[] raw) {

        /** The request for a failure message, with the tokens cut to their prefix. */
        String describe() {
            String shown = raw != null ? new String(raw, StandardCharsets.ISO_8859_1) : method + " " + target + " "
                    + headers + " " + new String(body, StandardCharsets.UTF_8);
            shown = TOKEN.matcher(shown).replaceAll("$1…");
            return category + ": " + (shown.length() > 300 ? shown.substring(0, 300) + "…" : shown);
        }
    }

    private static final Pattern TOKEN = Pattern.compile("(mt_(?:live|test)_)[A-Za-z0-9]{40}");
    private static final String[] STATUSES = {"pending", "planning", "running", "paused", "complete", "failed",
            "cancelled"};
    private static final String[] ID_PREFIXES = {"task", "dlvr", "acct", "agnt", "evt", "key"};
    private static final String ULID_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
    /** Every place a value goes in a task body; %s is the value. */
    private static final String[] TASK_FIELD_TEMPLATES = {
            "{\"prompt\":%s}",
            "{\"prompt\":\"fuzz\",\"config\":%s}",
            "{\"prompt\":\"fuzz\",\"config\":{\"max_agents\":%s}}",
            "{\"prompt\":\"fuzz\",\"config\":{\"autonomy_level\":%s}}",
            "{\"prompt\":\"fuzz\",\"config\":{\"auto_deploy\":%s}}",
            "{\"prompt\":\"fuzz\",\"config\":{\"deploy_target\":%s}}",
            "{\"prompt\":\"fuzz\",\"config\":{\"auto_deploy\":true,\"deploy_target\":%s}}",
            "{\"prompt\":\"fuzz\",\"config\":{\"sandbox\":%s}}",
            "{\"prompt\":\"fuzz\",\"config\":{\"sandbox\":{\"step_delay_ms\":%s}}}",
            "{\"prompt\":\"fuzz\",\"config\":{\"sandbox\":{\"outcome\":%s}}}",
            "{\"prompt\":\"fuzz\",%s:1}",
            "{\"prompt\":\"fuzz\",\"config\":{%s:1}}",
    };
    /** JSON values of every type, edge and size, plus tokens that are not JSON at all. */
    private static final List<String> VALUES = List.of(
            "null", "true", "false", "0", "-0", "1", "-1", "3", "10", "11", "100", "101", "10000", "10001",
            "2147483647", "2147483648", "-2147483649", "9223372036854775808", "1267650600228229401496703205376",
            "-1267650600228229401496703205376", "2.5", "1.0", "3.0e0", "1e2", "1E+2", "1e400", "-1e400", "1e-400",
            "4.9e-324", "1.7976931348623157e309", "0.1e-99999999999",
            "\"\"", "\" \"", "\"\\t\\n\"", "\"3\"", "\"true\"", "\"null\"", "\"complete\"", "\"fail\"",
            "\"s3://bucket/prefix\"", "\"https://example.com/hook\"", "\"http://127.0.0.1/\"", "\"file:///etc/passwd\"",
            "\"s3://\"", "\"https://user:pass@example.com/\"", "\"\\u0000\"", "\"\\ud800\"", "\"\\udc00\\ud800\"",
            "\"\\uffff\"", "\"\\u202e\"", "\"😀\"", "[]", "[1]", "[\"x\"]", "{}", "{\"a\":1}", "[[[[]]]]",
            "{\"max_agents\":3}", "\"" + "x".repeat(5_000) + "\"",
            // not JSON
            "NaN", "-NaN", "Infinity", "-Infinity", "+1", "01", ".5", "5.", "0x10", "1_000", "undefined", "True",
            "nul", "'x'", "\"unterminated", "\"bad escape \\x\"", "\"\\u12\"", "[1,]", "{\"a\"}", "{,}", "1 2");
    private static final List<String> QUERY_VALUES = List.of("", " ", "0", "-0", "1", "20", "100", "101", "-1",
            "+5", "0x10", "1e2", "1.5", "2147483647", "2147483648", "-2147483649", "99999999999999999999999999",
            "NaN", "Infinity", "null", "true", "[]", "{}", "PENDING", "Running", " running", "running ",
            "running,complete", "%", "%00", "\u0000", "\u202e", "😀", "\ud800", "x".repeat(3_000));

    private final SplittableRandom random;
    private final String testToken;
    private final String liveToken;
    private final List<String> ownTaskIds;
    private final List<FuzzRequest> requests = new ArrayList<>();
    private int droppedAsLeakLookalike;

    FuzzCorpus(long seed, String testToken, String liveToken, List<String> ownTaskIds) {
        this.random = new SplittableRandom(seed);
        this.testToken = testToken;
        this.liveToken = liveToken;
        this.ownTaskIds = List.copyOf(ownTaskIds);
    }

    List<FuzzRequest> build() {
        everyTaskFieldWithEveryValue();
        randomTaskBodies(2_000);
        mutatedTaskBodies(1_600);
        garbageBodies(600);
        deepNesting();
        unicodePrompts(500);
        resumeBodies(500);
        contentTypes();
        idempotencyKeys(250);
        listQueries(1_500);
        idsInEveryPath(450);
        wrongMethods();
        headers(300);
        malformedHttp(700);
        return List.copyOf(requests);
    }

    int droppedAsLeakLookalike() {
        return droppedAsLeakLookalike;
    }

    // --- bodies of POST /v1/tasks ------------------------------------------------------------

    private void everyTaskFieldWithEveryValue() {
        for (String template : TASK_FIELD_TEMPLATES) {
            for (String value : VALUES) {
                String body = template.formatted(value);
                post("wrong-type", testToken, "/v1/tasks", body);
                post("wrong-type-live", liveToken, "/v1/tasks", body);
            }
        }
    }

    private void randomTaskBodies(int count) {
        for (int i = 0; i < count; i++) {
            String body = random.nextInt(3) == 0 ? randomJson(4)
                    : pick(TASK_FIELD_TEMPLATES).formatted(randomJson(3));
            post("random-json", random.nextBoolean() ? testToken : liveToken, "/v1/tasks", body);
        }
    }

    private void mutatedTaskBodies(int count) {
        for (int i = 0; i < count; i++) {
            StringBuilder body = new StringBuilder(validTaskBody());
            int mutations = 1 + random.nextInt(3);
            for (int m = 0; m < mutations && body.length() > 0; m++) {
                int at = random.nextInt(body.length());
                switch (random.nextInt(5)) {
                    case 0 -> body.deleteCharAt(at);
                    case 1 -> body.insert(at, pick("{}[]\":,\\-+.eE0\u0000\n ".split("")));
                    case 2 -> body.setCharAt(at, (char) random.nextInt(0x20, 0x7f));
                    case 3 -> body.setLength(at);
                    default -> body.insert(at, body.substring(at, Math.min(body.length(), at + random.nextInt(1, 20))));
                }
            }
            post("mutated-json", testToken, "/v1/tasks", body.toString());
        }
    }

    private void garbageBodies(int count) {
        for (int i = 0; i < count; i++) {
            byte[] body = random.nextBoolean() ? randomText(random.nextInt(0, 200)).getBytes(StandardCharsets.UTF_8)
                    : randomBytes(random.nextInt(0, 200));
            add(new FuzzRequest("garbage-body", "POST", "/v1/tasks", List.of(auth(testToken), json()), body, null));
        }
    }

    private void deepNesting() {
        for (int depth : new int[] {10, 100, 999, 1_000, 1_001, 5_000, 10_000, 100_000}) {
            String arrays = "[".repeat(depth) + "]".repeat(depth);
            String objects = "{\"a\":".repeat(Math.min(depth, 40_000)) + "1" + "}".repeat(Math.min(depth, 40_000));
            for (String nested : List.of(arrays, objects, "[".repeat(depth), "{\"a\":".repeat(Math.min(depth, 40_000)))) {
                post("deep-nesting", testToken, "/v1/tasks", nested);
                post("deep-nesting", testToken, "/v1/tasks", "{\"prompt\":\"x\",\"config\":" + nested + "}");
                post("deep-nesting", testToken, "/v1/tasks",
                        "{\"prompt\":\"x\",\"config\":{\"sandbox\":" + nested + "}}");
                post("deep-nesting", testToken, "/v1/tasks/" + ownTask() + "/resume", "{\"message\":" + nested + "}");
            }
        }
    }

    private void unicodePrompts(int count) {
        for (int i = 0; i < count; i++) {
            String text = randomText(random.nextInt(1, 80));
            String body = random.nextInt(4) == 0
                    ? "{\"prompt\":\"" + text + "\"}" // raw: control characters and quotes break the JSON
                    : "{\"prompt\":" + jsonString(text) + "}";
            post("unicode", testToken, "/v1/tasks", body);
        }
        String astral = "😀".repeat(32_000);
        post("unicode", testToken, "/v1/tasks", "{\"prompt\":\"" + astral + "\"}");
        post("unicode", testToken, "/v1/tasks", "{\"prompt\":\"" + astral + "x\"}");
        post("unicode", testToken, "/v1/tasks", "{\"prompt\":\"" + "\\ud83d".repeat(32_001) + "\"}");
        add(new FuzzRequest("unicode", "POST", "/v1/tasks", List.of(auth(testToken), json()),
                concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, "{\"prompt\":\"bom\"}".getBytes()), null));
        add(new FuzzRequest("unicode", "POST", "/v1/tasks", List.of(auth(testToken), json()),
                "{\"prompt\":\"utf16\"}".getBytes(StandardCharsets.UTF_16), null));
    }

    private void resumeBodies(int count) {
        for (String value : VALUES) {
            post("resume-body", testToken, "/v1/tasks/" + ownTask() + "/resume", "{\"message\":" + value + "}");
        }
        for (int i = VALUES.size(); i < count; i++) {
            String body = switch (random.nextInt(3)) {
                case 0 -> randomJson(3);
                case 1 -> "{\"message\":" + jsonString(randomText(random.nextInt(0, 100))) + "}";
                default -> "{" + jsonString(randomText(5)) + ":" + randomJson(2) + "}";
            };
            post("resume-body", testToken, "/v1/tasks/" + ownTask() + "/resume", body);
        }
    }

    private void contentTypes() {
        for (String type : List.of("text/plain", "application/xml", "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=x", "application/json; charset=utf-16", "application/json; charset=nope",
                "application/json; charset=", "application/json;;;", "*/*", "application/*", "json", "",
                "application/problem+json", "application/json; boundary=\"", "text/html; charset=iso-8859-1")) {
            for (String body : List.of("{\"prompt\":\"typed\"}", "prompt=x", "<prompt>x</prompt>", "")) {
                add(new FuzzRequest("content-type", "POST", "/v1/tasks",
                        List.of(auth(testToken), Map.entry("Content-Type", type)), body.getBytes(), null));
            }
        }
        for (String accept : List.of("application/xml", "text/html", "image/png", "*/*;q=nonsense", "application/json;q=0",
                ";;", "application/problem+json")) {
            add(new FuzzRequest("accept", "GET", "/v1/tasks/" + ownTask(),
                    List.of(auth(testToken), Map.entry("Accept", accept)), new byte[0], null));
            add(new FuzzRequest("accept", "POST", "/v1/tasks",
                    List.of(auth(testToken), json(), Map.entry("Accept", accept)), "{\"prompt\":\"x\"}".getBytes(),
                    null));
        }
    }

    private void idempotencyKeys(int count) {
        for (int i = 0; i < count; i++) {
            String key = switch (random.nextInt(4)) {
                case 0 -> randomAscii(random.nextInt(0, 300));
                case 1 -> "k-" + random.nextInt(20); // repeats, with bodies that differ
                case 2 -> "x".repeat(random.nextInt(250, 260));
                default -> randomPrintable(random.nextInt(1, 40));
            };
            add(new FuzzRequest("idempotency-key", "POST", "/v1/tasks",
                    List.of(auth(testToken), json(), Map.entry("Idempotency-Key", key)),
                    ("{\"prompt\":\"idem " + random.nextInt(3) + "\"}").getBytes(), null));
        }
    }

    // --- GET /v1/tasks queries -----------------------------------------------------------------

    private void listQueries(int count) {
        for (String name : List.of("status", "limit", "offset")) {
            for (String value : QUERY_VALUES) {
                get("list-query", "/v1/tasks?" + name + "=" + encode(value));
            }
        }
        for (int i = 0; i < count; i++) {
            StringBuilder query = new StringBuilder();
            int parameters = random.nextInt(0, 5);
            for (int p = 0; p < parameters; p++) {
                query.append(p == 0 ? "?" : "&");
                String name = random.nextInt(5) == 0 ? encode(randomText(4))
                        : pick("status", "limit", "offset", "Limit", "status[]", "");
                query.append(name);
                if (random.nextInt(6) != 0) {
                    String value = switch (random.nextInt(4)) {
                        case 0 -> pick(QUERY_VALUES);
                        case 1 -> pick(STATUSES);
                        case 2 -> Long.toString(random.nextLong());
                        default -> randomText(random.nextInt(0, 30));
                    };
                    query.append('=').append(encode(value));
                }
            }
            get("list-query", "/v1/tasks" + query);
        }
    }

    // --- ids in paths ----------------------------------------------------------------------------

    private void idsInEveryPath(int idsPerEndpoint) {
        List<Supplier<String>> shapes = List.of(
                this::ownTask,
                () -> randomId(pick(ID_PREFIXES)),
                () -> randomId("task").toUpperCase(),
                () -> randomId("task").substring(0, 30),
                () -> randomId("task") + "0",
                () -> "task_" + randomString("ilouILOU!", 26),
                () -> ownTask() + pick(" ", "\n", "\u0000", "/", "\\", ".json", "%", "?", "#"),
                () -> pick("", ".", "..", "../..", "../../etc/passwd", "..\\..\\windows", "task_", "_", "null",
                        "undefined", "' OR '1'='1", "1; DROP TABLE api_keys", "%s%n%x", "${jndi:ldap://x/a}",
                        "{{7*7}}", "<script>", "*", "~root"),
                () -> randomText(random.nextInt(1, 40)),
                () -> randomAscii(random.nextInt(1, 40)),
                () -> "t".repeat(random.nextInt(100, 3_900)));
        for (int i = 0; i < idsPerEndpoint; i++) {
            String taskId = encode(pick(shapes).get());
            String fileId = encode(random.nextBoolean() ? randomId("dlvr") : pick(shapes).get());
            get("id-get", "/v1/tasks/" + taskId);
            post("id-cancel", testToken, "/v1/tasks/" + taskId + "/cancel", "");
            post("id-pause", testToken, "/v1/tasks/" + taskId + "/pause", "");
            post("id-resume", testToken, "/v1/tasks/" + taskId + "/resume", random.nextBoolean() ? "" : "{}");
            get("id-deliverables", "/v1/tasks/" + taskId + "/deliverables");
            get("id-download", "/v1/tasks/" + (random.nextBoolean() ? encode(ownTask()) : taskId)
                    + "/deliverables/" + fileId + "/download");
            // The event stream of a task that is not the caller's (an own task's stream stays open),
            // and of an own task with a cursor that is not an event id (refused before it opens).
            get("id-events", "/v1/tasks/" + encode(pick(shapes.subList(1, shapes.size())).get()) + "/events");
            get("events-cursor", "/v1/tasks/" + encode(ownTask()) + "/events?after=" + encode(pick("-1", "", "1e3",
                    "99999999999999999999", "0x10", "1.5", " 1", "null", "x" + randomAscii(random.nextInt(1, 20)))));
        }
    }

    private void wrongMethods() {
        String task = ownTask();
        List<String> paths = List.of("/v1/tasks", "/v1/tasks/" + task, "/v1/tasks/" + task + "/cancel",
                "/v1/tasks/" + task + "/pause", "/v1/tasks/" + task + "/resume", "/v1/tasks/" + task + "/deliverables",
                "/v1/tasks/" + task + "/deliverables/" + randomId("dlvr") + "/download", "/v1", "/v1/", "/v2/tasks",
                "/v1/tasks/", "/v1//tasks", "/v1/tasks/" + task + "/", "/V1/TASKS");
        for (String path : paths) {
            for (String method : List.of("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD")) {
                add(new FuzzRequest("method", method, path, List.of(auth(testToken), json()),
                        method.equals("GET") || method.equals("HEAD") ? new byte[0] : "{}".getBytes(), null));
            }
        }
    }

    // --- headers ---------------------------------------------------------------------------------

    private void headers(int randomOnes) {
        for (int size : new int[] {1_000, 8_000, 15_000, 16_500, 20_000, 64_000}) {
            String big = randomString("abcdefghijklmnopqrstuvwxyz0123456789", size);
            add(new FuzzRequest("oversized-header", "GET", "/v1/tasks/" + ownTask(),
                    List.of(auth(testToken), Map.entry("X-Padding", big)), new byte[0], null));
            add(new FuzzRequest("oversized-header", "GET", "/v1/tasks",
                    List.of(Map.entry("Authorization", "Bearer " + big)), new byte[0], null));
            add(new FuzzRequest("oversized-header", "POST", "/v1/tasks",
                    List.of(auth(testToken), json(), Map.entry("Idempotency-Key", big)),
                    "{\"prompt\":\"x\"}".getBytes(), null));
            add(new FuzzRequest("oversized-header", "GET", "/v1/tasks",
                    List.of(auth(testToken), Map.entry("X-Request-Id", big)), new byte[0], null));
        }
        List<Map.Entry<String, String>> many = new ArrayList<>(List.of(auth(testToken)));
        IntStream.range(0, 300).forEach(i -> many.add(Map.entry("X-Many-" + i, "v".repeat(60))));
        add(new FuzzRequest("oversized-header", "GET", "/v1/tasks", many, new byte[0], null));

        List<String> authorizations = List.of("", "Bearer", "Bearer ", "Bearer  " + testToken, "bearer " + testToken,
                "BEARER " + testToken, "Bearer " + testToken + " extra", "Bearer " + testToken + "x",
                "Bearer " + testToken.substring(0, 20), "Bearer mt_test_", "Bearer mt_prod_" + "a".repeat(40),
                "Basic " + testToken, "Basic dXNlcjpwYXNz", "Token " + testToken, testToken, "Bearer null",
                "Bearer " + "mt_live_" + "A".repeat(40), "Bearer " + testToken.replace("mt_test_", "mt_live_"));
        for (String authorization : authorizations) {
            for (String path : List.of("/v1/tasks", "/v1/tasks/" + ownTask(),
                    "/v1/tasks/" + ownTask() + "/deliverables/" + randomId("dlvr") + "/download")) {
                add(new FuzzRequest("authorization", "GET", path, List.of(Map.entry("Authorization", authorization)),
                        new byte[0], null));
            }
        }
        for (int i = 0; i < randomOnes; i++) {
            String header = pick("Authorization", "X-Request-Id", "Idempotency-Key", "Accept", "Content-Type",
                    "Accept-Encoding", "Accept-Language", "X-Miteos-Account-Id", "X-Miteos-Mode", "Cookie",
                    "X-Forwarded-For", "Range");
            List<Map.Entry<String, String>> headers = new ArrayList<>();
            if (!header.equals("Authorization")) {
                headers.add(auth(testToken));
            }
            headers.add(Map.entry(header, randomPrintable(random.nextInt(0, 200))));
            add(new FuzzRequest("random-header", "GET", random.nextBoolean() ? "/v1/tasks" : "/v1/tasks/" + ownTask(),
                    headers, new byte[0], null));
        }
    }

    // --- not even valid HTTP -----------------------------------------------------------------------

    private void malformedHttp(int randomOnes) {
        String auth = "Authorization: Bearer " + testToken + "\r\n";
        String task = ownTask();
        List<String> fixed = List.of(
                "GET /v1/tasks/%zz HTTP/1.1\r\n" + auth,
                "GET /v1/tasks/% HTTP/1.1\r\n" + auth,
                "GET /v1/tasks/%4 HTTP/1.1\r\n" + auth,
                "GET /v1/tasks/%C0%AF HTTP/1.1\r\n" + auth,
                "GET /v1/tasks/%FF%FE HTTP/1.1\r\n" + auth,
                "GET /v1/tasks?limit=%zz HTTP/1.1\r\n" + auth,
                "GET /v1/tasks?status=%E0%A4%A HTTP/1.1\r\n" + auth,
                "GET /v1/tasks/" + task + "/deliverables/%zz/download HTTP/1.1\r\n" + auth,
                "GET /v1/tasks/%zz/deliverables/dlvr_x/download HTTP/1.1\r\n" + auth,
                "GET /v1/tasks/a b HTTP/1.1\r\n" + auth,
                "GET /v1/tasks HTTP/1.0\r\n" + auth,
                "GET /v1/tasks HTTP/2.0\r\n" + auth,
                "GET /v1/tasks HTTP/9.9\r\n" + auth,
                "GET /v1/tasks\r\n" + auth,
                "GET http://localhost/v1/tasks HTTP/1.1\r\n" + auth,
                "GET * HTTP/1.1\r\n" + auth,
                "get /v1/tasks HTTP/1.1\r\n" + auth,
                "FOO /v1/tasks HTTP/1.1\r\n" + auth,
                "GET /v1/tasks/" + "a".repeat(5_000) + " HTTP/1.1\r\n" + auth,
                "GET /v1/tasks HTTP/1.1\r\nNoColonHeader\r\n" + auth,
                "GET /v1/tasks HTTP/1.1\r\nBad Name: x\r\n" + auth,
                "GET /v1/tasks HTTP/1.1\r\n" + auth + "X-Folded: a\r\n b\r\n",
                "GET /v1/tasks HTTP/1.1\r\n" + auth.replace("\r\n", "\n"),
                "GET /v1/tasks HTTP/1.1\r\nAuthorization: Bearer " + testToken + "\u0001\r\n",
                "GET /v1/tasks HTTP/1.1\r\nAuthorization: Bearer \u00e9\u00e8" + testToken + "\r\n",
                "GET /v1/tasks HTTP/1.1\r\n" + auth + auth.replace(testToken, testToken.replace("mt_test_", "mt_live_")),
                "POST /v1/tasks HTTP/1.1\r\n" + auth + "Content-Type: application/json\r\nContent-Length: -1\r\n",
                "POST /v1/tasks HTTP/1.1\r\n" + auth + "Content-Type: application/json\r\nContent-Length: abc\r\n",
                "POST /v1/tasks HTTP/1.1\r\n" + auth + "Content-Type: application/json\r\nContent-Length: 99999999999999999999\r\n",
                "POST /v1/tasks HTTP/1.1\r\n" + auth + "Content-Type: application/json\r\nContent-Length: 10\r\nContent-Length: 12\r\n",
                "POST /v1/tasks HTTP/1.1\r\n" + auth + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0",
                "POST /v1/tasks HTTP/1.1\r\n" + auth + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n",
                "POST /v1/tasks HTTP/1.1\r\n" + auth + "Content-Type: application/json\r\nTransfer-Encoding: gzip\r\n");
        for (String request : fixed) {
            raw("malformed-http", request);
        }
        for (int i = fixed.size(); i < randomOnes; i++) {
            String target = switch (random.nextInt(3)) {
                case 0 -> "/v1/tasks/" + randomText(random.nextInt(1, 30));
                case 1 -> "/v1/tasks?" + pick("status", "limit", "offset") + "=" + randomText(random.nextInt(1, 30));
                default -> "/v1/tasks/" + task + "/" + pick("cancel", "pause", "resume", "deliverables") + "/"
                        + randomText(5);
            };
            String header = random.nextBoolean() ? "" : "X-Fuzz: " + withoutLineBreaks(randomText(random.nextInt(1, 40)))
                    + "\r\n";
            raw("malformed-http", pick("GET", "POST") + " " + withoutLineBreaks(target) + " HTTP/1.1\r\n" + auth + header);
        }
    }

    // --- building blocks -------------------------------------------------------------------------

    private void post(String category, String token, String target, String body) {
        add(new FuzzRequest(category, "POST", target, List.of(auth(token), json()), body.getBytes(StandardCharsets.UTF_8),
                null));
    }

    private void get(String category, String target) {
        add(new FuzzRequest(category, "GET", target, List.of(auth(testToken)), new byte[0], null));
    }

    /** A request sent as written: the head as ISO-8859-1 bytes (so \u0080–\u00ff are single raw bytes). */
    private void raw(String category, String head) {
        String withHost = head.contains("\r\n\r\n") ? head.replaceFirst("\r\n", "\r\nHost: localhost\r\nConnection: close\r\n")
                : head.replaceFirst("(\r?\n)", "$1Host: localhost$1Connection: close$1") + "\r\n";
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (char c : withHost.toCharArray()) {
            if (c < 0x100) {
                bytes.write(c);
            } else {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        add(new FuzzRequest(category, null, null, List.of(), new byte[0], bytes.toByteArray()));
    }

    private void add(FuzzRequest request) {
        String text = request.raw() != null ? new String(request.raw(), StandardCharsets.UTF_8)
                : request.target() + " " + request.headers() + " " + new String(request.body(), StandardCharsets.UTF_8);
        String decoded = text;
        try {
            decoded = java.net.URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            // an invalid escape: the text as it is is what counts
        }
        if (LEAK.matcher(text).find() || LEAK.matcher(decoded).find()) {
            droppedAsLeakLookalike++;
            return;
        }
        requests.add(request);
    }

    private String validTaskBody() {
        return pick(
                "{\"prompt\":\"Research vector databases.\"}",
                "{\"prompt\":\"x\",\"config\":{\"max_agents\":3,\"autonomy_level\":70,\"auto_deploy\":false}}",
                "{\"prompt\":\"x\",\"config\":{\"auto_deploy\":true,\"deploy_target\":\"s3://bucket/prefix\"}}",
                "{\"prompt\":\"x\",\"config\":{\"sandbox\":{\"step_delay_ms\":10,\"outcome\":\"fail\"}}}",
                "{\"prompt\":\"x\",\"config\":{\"deploy_target\":null,\"sandbox\":null}}");
    }

    /** A random JSON value, nested up to {@code depth}, with known field names now and then. */
    private String randomJson(int depth) {
        int kind = random.nextInt(depth > 0 ? 9 : 7);
        return switch (kind) {
            case 0 -> "null";
            case 1 -> Boolean.toString(random.nextBoolean());
            case 2 -> Long.toString(random.nextLong(-20, 120));
            case 3 -> pick(VALUES);
            case 4 -> random.nextBoolean() ? Double.toString(random.nextDouble() * Math.pow(10, random.nextInt(-10, 30)))
                    : "1" + "0".repeat(random.nextInt(1, 1_200));
            case 5 -> jsonString(randomText(random.nextInt(0, 30)));
            case 6 -> jsonString(pick(STATUSES) + pick("", " ", "x"));
            case 7 -> {
                StringBuilder array = new StringBuilder("[");
                int size = random.nextInt(0, 4);
                for (int i = 0; i < size; i++) {
                    array.append(i == 0 ? "" : ",").append(randomJson(depth - 1));
                }
                yield array.append(']').toString();
            }
            default -> {
                StringBuilder object = new StringBuilder("{");
                int size = random.nextInt(0, 5);
                for (int i = 0; i < size; i++) {
                    String name = random.nextInt(3) == 0 ? randomText(random.nextInt(0, 10))
                            : pick("prompt", "config", "max_agents", "autonomy_level", "auto_deploy", "deploy_target",
                                    "sandbox", "step_delay_ms", "outcome", "message");
                    object.append(i == 0 ? "" : ",").append(jsonString(name)).append(':').append(randomJson(depth - 1));
                }
                yield object.append('}').toString();
            }
        };
    }

    /** Text from every corner of Unicode: controls, lone surrogates, astral, bidi, noncharacters. */
    private String randomText(int length) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            switch (random.nextInt(10)) {
                case 0 -> text.append((char) random.nextInt(0, 0x20));
                case 1 -> text.append((char) random.nextInt(0x7f, 0xa0));
                case 2 -> text.append((char) random.nextInt(0xd800, 0xe000)); // a lone surrogate
                case 3 -> text.appendCodePoint(random.nextInt(0x1f300, 0x1faff));
                case 4 -> text.append(pick("\u202e", "\u200b", "\ufeff", "\ufffe", "\uffff", "\u0000", "\\", "\"", "%",
                        "/", "'"));
                case 5 -> text.append((char) random.nextInt(0xa0, 0xd800));
                default -> text.append((char) random.nextInt(0x20, 0x7f));
            }
        }
        return text.toString();
    }

    private String randomAscii(int length) {
        return randomString(IntStream.range(0, 128).collect(StringBuilder::new, (b, c) -> b.append((char) c),
                StringBuilder::append).toString(), length);
    }

    private String randomPrintable(int length) {
        return randomString(IntStream.range(0x20, 0x7f).collect(StringBuilder::new, (b, c) -> b.append((char) c),
                StringBuilder::append).toString(), length);
    }

    private String randomString(String alphabet, int length) {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }

    private byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) random.nextInt(256);
        }
        return bytes;
    }

    private String randomId(String prefix) {
        return prefix + "_" + randomString(ULID_ALPHABET, 26);
    }

    private String ownTask() {
        return pick(ownTaskIds);
    }

    /** A JSON string literal that keeps even lone surrogates and control characters (escaped). */
    private static String jsonString(String text) {
        StringBuilder json = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                json.append('\\').append(c);
            } else if (c < 0x20 || Character.isSurrogate(c)) {
                json.append(String.format("\\u%04x", (int) c));
            } else {
                json.append(c);
            }
        }
        return json.append('"').toString();
    }

    /** Percent-encodes everything but unreserved characters; unpaired surrogates become '?' on the way. */
    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String withoutLineBreaks(String text) {
        return text.replace("\r", "").replace("\n", "");
    }

    private static Map.Entry<String, String> auth(String token) {
        return Map.entry("Authorization", "Bearer " + token);
    }

    private static Map.Entry<String, String> json() {
        return Map.entry("Content-Type", "application/json");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    @SafeVarargs
    private <T> T pick(T... options) {
        return options[random.nextInt(options.length)];
    }

    private <T> T pick(List<T> options) {
        return options.get(random.nextInt(options.size()));
    }
}
