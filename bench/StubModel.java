import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stub OpenAI-compatible chat-completions server for bench/ (issue 12): it does no work and answers
 * every {@code POST /v1/chat/completions} after a fixed delay (0: at once, the "zero-work stub model"
 * baseline), with an answer Miteos' live pipeline accepts. JDK only, run as a source file:
 *
 * <pre>java bench/StubModel.java [--port 0] [--delay-ms 0] [--agent-steps 1] [--threads 2]</pre>
 *
 * Prints {@code listening on PORT} once it listens. What it answers, by the system prompt it sees:
 * <ul>
 * <li>the planner ({@code You are the planner}): a plan of {@code max_agents} items (the number in
 *     "at most N independent work items"): N - 1 researchers and a writer last;</li>
 * <li>an agent ({@code agent of Miteos}): {@code list_files} until the conversation holds
 *     {@code agent-steps - 1} tool results, then {@code finish};</li>
 * <li>the writer's synthesis ({@code You are the writer of Miteos}): {@code write_file report.md},
 *     then {@code finish};</li>
 * <li>anything else: the text "ok".</li>
 * </ul>
 * Streaming requests ({@code "stream":true}, which is how Miteos asks) get server-sent events with a
 * usage chunk last; others one {@code chat.completion} object.
 *
 * <p>Why not a thread per request: the point is to hold 10,000 delayed answers at once on a few
 * threads. The JDK server's handler only reads the request and schedules the answer; a single
 * scheduler thread writes it when due (the JDK server lets an exchange be answered from any thread
 * after its handler returned). Its dispatcher thread holds the connections in one selector.
 *
 * <p>{@code GET /stats} answers {@code in_flight=… peak_in_flight=… answered=…} (requests received
 * whose answer is not written yet, the most at once since the last {@code POST /stats/reset}, and
 * answers written); the same line goes to stderr every 5 s while anything changes.
 */
public final class StubModel {

    private static final Pattern MAX_ITEMS = Pattern.compile("at most (\\d+) independent work items");
    private static final Pattern TOOL_RESULT = Pattern.compile("\"role\"\\s*:\\s*\"tool\"");
    private static final Pattern STREAM = Pattern.compile("\"stream\"\\s*:\\s*true");

    private final long delayMs;
    private final int agentSteps;
    private final ScheduledExecutorService scheduler;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong ids = new AtomicLong();

    private StubModel(long delayMs, int agentSteps) {
        this.delayMs = delayMs;
        this.agentSteps = agentSteps;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(named("stub-reply"));
    }

    public static void main(String[] args) throws IOException {
        int port = 0, threads = 2, agentSteps = 1;
        long delayMs = 0;
        for (int i = 0; i < args.length; i += 2) {
            String value = args[i + 1];
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(value);
                case "--delay-ms" -> delayMs = Long.parseLong(value);
                case "--agent-steps" -> agentSteps = Integer.parseInt(value);
                case "--threads" -> threads = Integer.parseInt(value);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (agentSteps < 1) {
            throw new IllegalArgumentException("--agent-steps must be at least 1");
        }
        // The JDK server closes connections idle for 30 s and keeps at most 200 idle ones; a client
        // pool of thousands of keep-alive connections would then meet closed sockets on reuse.
        System.setProperty("sun.net.httpserver.idleInterval", "3600");
        System.setProperty("sun.net.httpserver.maxIdleConnections", "1000000");
        System.setProperty("sun.net.httpserver.nodelay", "true");
        StubModel stub = new StubModel(delayMs, agentSteps);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 4096);
        server.setExecutor(Executors.newFixedThreadPool(threads, named("stub-handler")));
        server.createContext("/v1/chat/completions", stub::chat);
        server.createContext("/stats", stub::stats);
        server.start();
        stub.scheduler.scheduleWithFixedDelay(stub::report, 5, 5, TimeUnit.SECONDS);
        System.out.println("listening on " + server.getAddress().getPort());
        System.out.flush();
    }

    private void chat(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        int now = inFlight.incrementAndGet();
        peak.accumulateAndGet(now, Math::max);
        boolean stream = STREAM.matcher(body).find();
        String answer = answer(body, stream);
        if (delayMs == 0) {
            reply(exchange, stream, answer);
        } else {
            scheduler.schedule(() -> reply(exchange, stream, answer), delayMs, TimeUnit.MILLISECONDS);
        }
    }

    private void reply(HttpExchange exchange, boolean stream, String answer) {
        byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
        try (exchange; OutputStream out = exchange.getResponseBody()) {
            exchange.getResponseHeaders().add("Content-Type", stream ? "text/event-stream" : "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            out.write(bytes);
        } catch (IOException | RuntimeException e) {
            System.err.println("answer not written: " + e);
        } finally {
            inFlight.decrementAndGet();
            answered.incrementAndGet();
        }
    }

    /** What the pipeline expects of this conversation (see the class comment). */
    private String answer(String body, boolean stream) {
        int toolResults = 0;
        for (Matcher m = TOOL_RESULT.matcher(body); m.find(); ) {
            toolResults++;
        }
        if (body.contains("You are the planner")) {
            Matcher max = MAX_ITEMS.matcher(body);
            return text(plan(max.find() ? Integer.parseInt(max.group(1)) : 1), stream);
        }
        if (body.contains("You are the writer of Miteos")) {
            return toolResults == 0
                    ? toolCall("write_file", "{\"name\":\"report.md\",\"content\":\"# Report\\n\\nA stub model wrote this.\\n\"}", stream)
                    : toolCall("finish", "{\"summary\":\"Wrote report.md.\"}", stream);
        }
        if (body.contains("agent of Miteos")) {
            return toolResults + 1 < agentSteps ? toolCall("list_files", "{}", stream)
                    : toolCall("finish", "{\"summary\":\"Nothing to report: a stub model answered.\"}", stream);
        }
        return text("ok", stream);
    }

    private static String plan(int items) {
        StringBuilder plan = new StringBuilder("{\"work_items\":[");
        for (int i = 1; i < items; i++) {
            plan.append("{\"type\":\"researcher\",\"title\":\"Part ").append(i)
                    .append("\",\"instructions\":\"Look into part ").append(i).append(".\"},");
        }
        return plan.append("{\"type\":\"writer\",\"title\":\"Report\",\"instructions\":\"Write the report.\"}]}")
                .toString();
    }

    private String text(String content, boolean stream) {
        String quoted = quote(content);
        if (!stream) {
            return completion("{\"role\":\"assistant\",\"content\":" + quoted + "}", "stop");
        }
        return chunk("{\"role\":\"assistant\",\"content\":" + quoted + "}", null) + chunk("{}", "stop") + usage()
                + "data: [DONE]\n\n";
    }

    private String toolCall(String name, String arguments, boolean stream) {
        String id = "call_" + ids.incrementAndGet();
        String call = "{\"index\":0,\"id\":\"" + id + "\",\"type\":\"function\",\"function\":{\"name\":\"" + name
                + "\",\"arguments\":" + quote(arguments) + "}}";
        if (!stream) {
            return completion("{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[" + call + "]}", "tool_calls");
        }
        return chunk("{\"role\":\"assistant\",\"tool_calls\":[" + call + "]}", null) + chunk("{}", "tool_calls")
                + usage() + "data: [DONE]\n\n";
    }

    private static String completion(String message, String finishReason) {
        return "{\"id\":\"chatcmpl-stub\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"stub\","
                + "\"choices\":[{\"index\":0,\"message\":" + message + ",\"finish_reason\":\"" + finishReason + "\"}],"
                + "\"usage\":{\"prompt_tokens\":100,\"completion_tokens\":20,\"total_tokens\":120}}";
    }

    private static String chunk(String delta, String finishReason) {
        return "data: {\"id\":\"chatcmpl-stub\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"stub\","
                + "\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":"
                + (finishReason == null ? "null" : "\"" + finishReason + "\"") + "}]}\n\n";
    }

    private static String usage() {
        return "data: {\"id\":\"chatcmpl-stub\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"stub\","
                + "\"choices\":[],\"usage\":{\"prompt_tokens\":100,\"completion_tokens\":20,\"total_tokens\":120}}\n\n";
    }

    private static String quote(String text) {
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                default -> quoted.append(c);
            }
        }
        return quoted.append('"').toString();
    }

    private void stats(HttpExchange exchange) throws IOException {
        if ("POST".equals(exchange.getRequestMethod()) && exchange.getRequestURI().getPath().endsWith("/reset")) {
            peak.set(inFlight.get());
        }
        byte[] bytes = (line() + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, bytes.length);
        try (exchange; OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private String line() {
        return "in_flight=" + inFlight.get() + " peak_in_flight=" + peak.get() + " answered=" + answered.get();
    }

    private String last = "";

    private void report() {
        String now = line();
        if (!now.equals(last)) {
            System.err.println(java.time.Instant.now() + " " + now);
            last = now;
        }
    }

    private static ThreadFactory named(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(false);
            return t;
        };
    }
}
