package com.miteos.orchestrator.adapter.llm.live;

import com.miteos.orchestrator.port.llm.ModelCall;
import com.miteos.orchestrator.port.llm.ModelCallException;
import com.miteos.orchestrator.port.llm.ModelProvider;
import com.miteos.orchestrator.port.llm.ModelPurpose;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatRequestParameters;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The live model: an OpenAI-compatible chat-completions server with tool calling, reached through
 * LangChain4j's {@link OpenAiStreamingChatModel} (which maps {@link ChatRequest} to OpenAI's JSON,
 * tools and tool-call deltas included, and reads token usage from the stream's last chunk).
 *
 * <p>Why streaming, and why Vert.x underneath: thousands of agents may wait on the model at once,
 * each for seconds to minutes. LangChain4j's default HTTP client parks a thread per streamed call;
 * {@link VertxModelHttpClient} replaces it so that waiting costs no thread at all, and the
 * streaming API is the one whose HTTP client SPI is asynchronous. Streaming also keeps the idle
 * timeout meaningful: a long answer keeps sending bytes.
 *
 * <p>Each call is retried here, with exponential backoff and jitter, when retrying can help (HTTP
 * 408, 429 and 5xx, and broken connections), honouring the server's {@code Retry-After}. Everything
 * else fails at once. Either way the final failure is a {@link ModelCallException} whose code the
 * task reports: {@code model_rate_limited}, {@code model_auth_failed}, {@code model_request_rejected}
 * or {@code model_unavailable}; no message ever contains the API key.
 *
 * <p>Cancelling the returned {@code Uni} resets the HTTP request in flight (or the wait before the
 * next attempt), so a cancelled task stops paying for tokens at once.
 *
 * <p>Answers arrive on a Vert.x event-loop thread; whoever continues the {@code Uni} must not block.
 * {@link #close()} releases the connections; the {@link Vertx} stays the caller's.
 */
public final class LiveModelProvider implements ModelProvider, AutoCloseable {

    /** The largest answer read; a streamed completion is a few hundred kilobytes at the very most. */
    static final int MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
    static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    /** A server asking for a longer pause is still retried after this long: a task should not stall for minutes. */
    static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(60);

    private static final Logger LOG = Logger.getLogger(LiveModelProvider.class);

    /** Waits before the next attempt; a seam so that tests see the pauses rather than sit through them. */
    @FunctionalInterface
    interface Pause {
        Uni<Void> of(Duration delay);
    }

    /** A timer; cancelling the call cancels it, and so the attempt that would follow. */
    static final Pause TIMER = delay -> Uni.createFrom().voidItem().onItem().delayIt().by(delay);

    private final LiveModelSettings settings;
    private final HttpClient http;
    private final StreamingChatModel model;
    private final Pause pause;

    /**
     * @param vertx    the Vert.x instance whose event loops carry the HTTP traffic (in Quarkus, the injected one)
     * @param settings where the model is and how to talk to it
     */
    public LiveModelProvider(Vertx vertx, LiveModelSettings settings) {
        this(vertx, settings, TIMER);
    }

    /** As above, pausing between attempts with {@code pause} ({@link #TIMER} in production). */
    LiveModelProvider(Vertx vertx, LiveModelSettings settings, Pause pause) {
        this.settings = settings;
        this.pause = pause;
        HttpClientOptions options = new HttpClientOptions()
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, settings.connectTimeout().toMillis()))
                .setKeepAlive(true);
        this.http = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(settings.maxConnections()));
        // One model for every call: building one per call cost a few percent of the orchestrator's CPU
        // at thousands of calls (JFR: the builder's service lookups read jar entries each time).
        this.model = OpenAiStreamingChatModel.builder()
                .httpClientBuilder(new VertxModelHttpClientBuilder(http, settings.connectTimeout(),
                        settings.requestTimeout(), MAX_RESPONSE_BYTES))
                .baseUrl(settings.baseUrl())
                .apiKey(settings.apiKey())
                .build();
    }

    @Override
    public String modelName(ModelPurpose purpose) {
        return settings.modelName(purpose);
    }

    @Override
    public Uni<ChatResponse> chat(ModelCall call) {
        return Uni.createFrom().deferred(() -> {
            AtomicBoolean cancelled = new AtomicBoolean();
            return attempt(call, request(call), 1, cancelled).onCancellation().invoke(() -> cancelled.set(true));
        });
    }

    /** Closes the HTTP connections. Calls still in flight fail with {@code model_unavailable}. */
    @Override
    public void close() {
        http.close();
    }

    /**
     * The request as the server must see it. The model name is the provider's choice, not the
     * caller's, because {@link #modelName} is what the cost meter prices.
     */
    ChatRequest request(ModelCall call) {
        ChatRequestParameters asked = call.request().parameters();
        OpenAiChatRequestParameters.Builder parameters = OpenAiChatRequestParameters.builder()
                .overrideWith(asked)
                .modelName(modelName(call.purpose()));
        if (asked.temperature() == null && settings.temperature() != null) {
            parameters.temperature(settings.temperature());
        }
        boolean hasTools = asked.toolSpecifications() != null && !asked.toolSpecifications().isEmpty();
        // OpenAI's json_object mode cannot be combined with tools, and the planner needs none.
        if (call.purpose() == ModelPurpose.PLAN && settings.plannerJsonMode() && !hasTools
                && asked.responseFormat() == null) {
            parameters.responseFormat(ResponseFormat.JSON);
        }
        return ChatRequest.builder().messages(call.request().messages()).parameters(parameters.build()).build();
    }

    private Uni<ChatResponse> attempt(ModelCall call, ChatRequest request, int attempt, AtomicBoolean cancelled) {
        return once(request).onFailure().recoverWithUni(failure -> {
            Trouble trouble = Trouble.of(failure);
            if (!trouble.retryable() || attempt >= settings.maxAttempts()) {
                return Uni.createFrom().failure(giveUp(trouble, failure, attempt));
            }
            Duration delay = delayBefore(attempt + 1, trouble.retryAfter(), ThreadLocalRandom.current().nextDouble());
            LOG.infof("Model call for task %s, attempt %d of %d, failed (%s); trying again in %d ms",
                    call.taskId(), attempt, settings.maxAttempts(), redact(trouble.summary()), delay.toMillis());
            // A cancel that lands while the pause is being subscribed does not reach the pause
            // (Mutiny loses it in that instant), so the flag is checked before the next attempt too.
            return pause.of(delay).flatMap(ignored -> cancelled.get() ? Uni.createFrom().<ChatResponse>nothing()
                    : attempt(call, request, attempt + 1, cancelled));
        });
    }

    /**
     * One attempt: LangChain4j's callback API bridged into a {@code Uni}. LangChain4j has no
     * per-request hook, so the attempt's {@link InFlightRequest} reaches the HTTP client beside the
     * thread that sends the request ({@link InFlightRequest#sending}).
     */
    private Uni<ChatResponse> once(ChatRequest request) {
        return Uni.createFrom().emitter(emitter -> {
            InFlightRequest inFlight = new InFlightRequest();
            // Runs on completion too, when there is nothing left to reset.
            emitter.onTermination(inFlight::cancel);
            inFlight.sending(() -> model.chat(request, new StreamingChatResponseHandler() {
                @Override
                public void onCompleteResponse(ChatResponse response) {
                    if (isEmpty(response)) {
                        emitter.fail(new ModelCallException("model_unavailable", "The model server at "
                                + settings.baseUrl() + " answered without a chat completion; check that "
                                + "MITEOS_LLM_BASE_URL is an OpenAI-compatible API root (usually ending in /v1)"));
                    } else {
                        emitter.complete(response);
                    }
                }

                @Override
                public void onError(Throwable error) {
                    emitter.fail(error);
                }
            }));
        });
    }

    /**
     * An answer with no text, no tool call and no finish reason carried no completion chunk at all:
     * the server did not speak OpenAI's streaming protocol (a wrong base URL answering a web page
     * with 200, or an error object in place of the stream). Passing it on would end the agent
     * with an empty summary instead of saying what is wrong.
     */
    private static boolean isEmpty(ChatResponse response) {
        return response.aiMessage().text() == null && !response.aiMessage().hasToolExecutionRequests()
                && response.finishReason() == null;
    }

    /**
     * The pause before attempt {@code next} (2, 3, ...): 500 ms doubling up to 30 s, with "equal
     * jitter" (half fixed, half random) so that agents rate-limited together do not retry together,
     * yet never less than the server's {@code Retry-After} (itself capped at 60 s).
     *
     * @param random a number in [0, 1)
     */
    static Duration delayBefore(int next, Duration retryAfter, double random) {
        long ceiling = Math.min(MAX_BACKOFF.toMillis(), FIRST_BACKOFF.toMillis() << Math.min(next - 2, 20));
        long jittered = ceiling / 2 + (long) (random * (ceiling / 2.0));
        if (retryAfter == null) {
            return Duration.ofMillis(jittered);
        }
        long asked = Math.min(retryAfter.toMillis(), MAX_RETRY_AFTER.toMillis());
        return Duration.ofMillis(Math.max(jittered, asked));
    }

    private ModelCallException giveUp(Trouble trouble, Throwable failure, int attempts) {
        if (failure instanceof ModelCallException decided) {
            return decided;
        }
        String tries = attempts == 1 ? "" : " (" + attempts + " attempts)";
        ModelHttpException http = trouble.http();
        if (http != null) {
            int status = http.status();
            String said = http.bodySnippet().isEmpty() ? "" : ": " + http.bodySnippet();
            if (status == 429) {
                return failed("model_rate_limited", "The model server is rate-limiting this deployment (HTTP 429)"
                        + tries + said, failure);
            }
            if (status == 401 || status == 403) {
                return failed("model_auth_failed", "The model server refused the credentials (HTTP " + status
                        + "); check MITEOS_LLM_API_KEY" + said, failure);
            }
            if (trouble.retryable()) {
                return failed("model_unavailable", "The model server failed (HTTP " + status + ")" + tries + said,
                        failure);
            }
            if (status == 404) {
                return failed("model_request_rejected", "The model server answered HTTP 404: check that "
                        + "MITEOS_LLM_BASE_URL is the API root (for OpenAI-style servers it ends with /v1) and that "
                        + "the model exists" + said, failure);
            }
            return failed("model_request_rejected", "The model server rejected the request (HTTP " + status + ")"
                    + said, failure);
        }
        if (trouble.retryable()) {
            return failed("model_unavailable", trouble.summary() + tries, failure);
        }
        return failed("model_unavailable", "The model call failed: " + trouble.summary(), failure);
    }

    private ModelCallException failed(String code, String message, Throwable cause) {
        return new ModelCallException(code, redact(message), cause);
    }

    /** Error bodies and exception messages are the server's words; make sure the key is not among them. */
    private String redact(String text) {
        String key = settings.apiKey();
        return key == null || text == null ? text : text.replace(key, "***");
    }

    /** What went wrong with one attempt, and whether another could go better. */
    private record Trouble(ModelHttpException http, boolean retryable, Duration retryAfter, String summary) {

        static Trouble of(Throwable failure) {
            for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
                if (cause instanceof ModelHttpException http) {
                    int status = http.status();
                    boolean retryable = status == 408 || status == 429 || status >= 500;
                    return new Trouble(http, retryable, http.retryAfter().orElse(null), "HTTP " + status);
                }
                if (cause instanceof ModelConnectionException broken) {
                    return new Trouble(null, true, null, broken.getMessage());
                }
                if (cause instanceof ModelCallException) {
                    return new Trouble(null, false, null, cause.getMessage());
                }
                // The same kinds of trouble, when they reach us wrapped by LangChain4j rather than ours.
                if (cause instanceof IOException || cause instanceof UnresolvedAddressException
                        || cause instanceof TimeoutException) {
                    return new Trouble(null, true, null, "the model server is unreachable ("
                            + cause.getClass().getSimpleName() + ")");
                }
            }
            String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
            return new Trouble(null, false, null, message);
        }
    }
}
