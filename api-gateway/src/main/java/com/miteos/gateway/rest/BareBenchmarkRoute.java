package com.miteos.gateway.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.miteos.gateway.config.GatewayConfig;
import com.miteos.model.id.IdPrefix;
import com.miteos.model.id.Ids;
import com.miteos.model.task.TaskConfig;
import com.miteos.model.task.TaskStatus;
import com.miteos.model.view.TaskView;
import io.quarkus.logging.Log;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * {@code GET|POST /bench/bare}: the baseline of the benchmark harness ({@code bench/run}, issue 12). It
 * answers a fixed JSON of a task's size (a pending task with a typical prompt, serialised once at
 * start-up) with no authentication, no rate limit and no I/O, from the same build and HTTP stack as
 * the API, so a benchmark can report an endpoint's requests per second as a share of what this
 * gateway's HTTP layer alone serves on the same machine in the same run. A POST's body is read and
 * dropped, as the API reads it.
 *
 * <p>It exists only when {@code miteos.bench.bare-endpoint} is true ({@code MITEOS_BENCH_BARE_ENDPOINT},
 * off by default): otherwise the route is never registered and the path is a plain 404.
 */
@ApplicationScoped
public class BareBenchmarkRoute {

    static final String PATH = "/bench/bare";
    private static final String PROMPT =
            "Research the top 5 open-source vector databases and produce a comparison report as a Markdown file.";

    private final boolean enabled;
    private final Buffer body;

    public BareBenchmarkRoute(GatewayConfig config, ObjectMapper json) {
        this.enabled = config.bench().bareEndpoint();
        this.body = enabled ? Buffer.buffer(typicalTask(json)) : null;
    }

    void register(@Observes Router router) {
        if (!enabled) {
            return;
        }
        Log.warnf("%s is on (miteos.bench.bare-endpoint): a benchmark baseline, not for production", PATH);
        router.route(PATH).order(-100).method(HttpMethod.GET).method(HttpMethod.POST).handler(this::answer);
    }

    private void answer(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        if (request.isEnded()) {
            respond(ctx);
            return;
        }
        // Quarkus hands the request over paused: read (and drop) the body, then answer.
        request.handler(ignored -> { }).endHandler(end -> respond(ctx)).resume();
    }

    private void respond(RoutingContext ctx) {
        ctx.response().putHeader("Content-Type", "application/json").end(body);
    }

    private static byte[] typicalTask(ObjectMapper json) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        TaskView task = new TaskView(Ids.newId(IdPrefix.TASK), TaskStatus.PENDING, PROMPT,
                new TaskConfig(3, 70, false, null, null), List.of(), 0, 0, null, null, null, now, now);
        try {
            return json.writeValueAsBytes(task);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the bare endpoint's task", e);
        }
    }
}
