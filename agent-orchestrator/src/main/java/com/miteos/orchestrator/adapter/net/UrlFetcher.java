package com.miteos.orchestrator.adapter.net;

import com.miteos.net.PinnedRequests;
import com.miteos.net.SsrfGuard;
import com.miteos.net.TargetRefusal;
import com.miteos.net.VettedTarget;
import com.miteos.orchestrator.port.web.FetchedPage;
import com.miteos.orchestrator.port.web.PageFetcher;
import com.miteos.orchestrator.port.web.FetchRefusal;
import com.miteos.orchestrator.adapter.net.CappedBodySubscriber.CappedBody;
import com.miteos.orchestrator.port.web.FetchRefusal.Reason;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Fetches a URL for an agent: GET only, every hop vetted by the {@link SsrfGuard}, bounded in
 * time and size, and the answer reduced to readable text.
 *
 * <p><b>Non-blocking.</b> Requests go through {@link HttpClient#sendAsync}, so no thread waits
 * on a slow server; only the DNS lookup of the guard blocks, and it runs on a worker executor,
 * never on the caller's (event-loop) thread.
 *
 * <p><b>Redirects</b> are followed here ({@link HttpClient.Redirect#NEVER} in the client), at most
 * {@link FetchLimits#maxRedirects()} of them, because each target must pass the guard again: a
 * public page redirecting to {@code http://169.254.169.254/} is the classic way around a check
 * that only looks at the first URL.
 *
 * <p><b>DNS rebinding.</b> Plain-http requests are pinned to the address the guard vetted;
 * https requests are not, for reasons and with mitigations described in {@link PinnedRequests},
 * which builds the client and every request.
 *
 * <p>No {@code Accept-Encoding} is sent, so bodies arrive uncompressed and the byte limit is a
 * real limit rather than a zip bomb's.
 */
public final class UrlFetcher implements PageFetcher {

    public static final String USER_AGENT = "Miteos-Agent/0.1 (+https://miteos.dev/bot)";

    private static final String ACCEPT =
            "text/html,application/xhtml+xml,application/json,text/plain;q=0.9,text/*;q=0.8,*/*;q=0.1";
    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

    private final SsrfGuard guard;
    private final FetchLimits limits;
    private final Executor lookups;
    private final HttpClient client;

    /** A fetcher whose DNS lookups run on Mutiny's default worker pool (Quarkus's in Quarkus). */
    public UrlFetcher(SsrfGuard guard, FetchLimits limits) {
        this(guard, limits, Infrastructure.getDefaultWorkerPool());
    }

    /** @param lookups where the guard's blocking DNS lookups run */
    public UrlFetcher(SsrfGuard guard, FetchLimits limits, Executor lookups) {
        this.guard = guard;
        this.limits = limits;
        this.lookups = lookups;
        this.client = PinnedRequests.client(limits.connectTimeout());
    }

    /**
     * Whether plain-http requests are sent to the vetted address (immune to DNS rebinding),
     * which needs the {@code Host} header to be settable; see the class comment.
     */
    public static boolean pinsPlainHttp() {
        return PinnedRequests.pinsPlainHttp();
    }

    /**
     * Fetches {@code url}, following redirects.
     *
     * @return the page, or a failure with a {@link FetchRefusal} for every expected problem
     *         (forbidden target, timeout, non-2xx answer, unreadable content, network error)
     */
    @Override
    public Uni<FetchedPage> fetch(String url) {
        return hop(url, 0)
                .ifNoItem().after(limits.totalTimeout())
                .failWith(() -> new FetchRefusal(Reason.TIMEOUT,
                        "no complete answer from " + url + " within " + words(limits.totalTimeout())));
    }

    private Uni<FetchedPage> hop(String url, int redirectsFollowed) {
        return Uni.createFrom().item(() -> vet(url))
                .runSubscriptionOn(lookups)
                .flatMap(target -> send(target)
                        .flatMap(response -> answer(target, response, redirectsFollowed)));
    }

    private VettedTarget vet(String url) {
        try {
            return guard.vet(url);
        } catch (TargetRefusal refusal) {
            throw FetchRefusal.of(refusal);
        }
    }

    private Uni<HttpResponse<CappedBody>> send(VettedTarget target) {
        AtomicReference<CappedBodySubscriber> reading = new AtomicReference<>();
        return Uni.createFrom()
                // Built inside the supplier so that a URI the client rejects becomes a described failure.
                .completionStage(() -> client.sendAsync(request(target), info -> {
                    CappedBodySubscriber subscriber = new CappedBodySubscriber(bytesWanted(info));
                    reading.set(subscriber);
                    return subscriber;
                }))
                .onCancellation().invoke(() -> {
                    // A timeout cancels us; the client only drops the connection if the body reader lets go.
                    CappedBodySubscriber subscriber = reading.get();
                    if (subscriber != null) {
                        subscriber.abandon();
                    }
                })
                .onFailure().transform(failure -> describe(failure, target));
    }

    private HttpRequest request(VettedTarget target) {
        return PinnedRequests.to(target)
                .GET()
                .timeout(limits.totalTimeout())
                .header("User-Agent", USER_AGENT)
                .header("Accept", ACCEPT)
                .build();
    }

    /** Only a 2xx answer in a readable type is worth reading; of anything else we read nothing. */
    private int bytesWanted(HttpResponse.ResponseInfo info) {
        boolean success = info.statusCode() >= 200 && info.statusCode() < 300;
        MediaType type = MediaType.parse(info.headers().firstValue("Content-Type").orElse(""));
        return success && type.kind() != MediaType.Kind.UNSUPPORTED ? limits.maxBytes() : 0;
    }

    private Uni<FetchedPage> answer(VettedTarget target, HttpResponse<CappedBody> response, int redirectsFollowed) {
        if (!REDIRECTS.contains(response.statusCode())) {
            return Uni.createFrom().item(() -> page(target, response));
        }
        Optional<String> location = response.headers().firstValue("Location");
        if (location.isEmpty()) {
            return Uni.createFrom().failure(new FetchRefusal(Reason.HTTP_STATUS, "the server answered HTTP "
                    + response.statusCode() + " without saying where to go, for " + target.url()));
        }
        if (redirectsFollowed >= limits.maxRedirects()) {
            return Uni.createFrom().failure(new FetchRefusal(Reason.TOO_MANY_REDIRECTS,
                    "more than " + limits.maxRedirects() + " redirects; the last one was from " + target.url()));
        }
        URI next;
        try {
            next = target.url().resolve(new URI(location.get().strip()));
        } catch (URISyntaxException | IllegalArgumentException e) {
            return Uni.createFrom().failure(new FetchRefusal(Reason.INVALID_URL,
                    target.url() + " redirected to an invalid URL"));
        }
        return hop(next.toString(), redirectsFollowed + 1);
    }

    private static FetchedPage page(VettedTarget target, HttpResponse<CappedBody> response) {
        int status = response.statusCode();
        String url = target.url().toString();
        if (status < 200 || status >= 300) {
            throw new FetchRefusal(Reason.HTTP_STATUS, "the server answered HTTP " + status + " for " + url);
        }
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        MediaType type = MediaType.parse(contentType);
        CappedBody body = response.body();
        String text = switch (type.kind()) {
            case HTML -> ReadableText.fromHtml(body.bytes(), type.charset(), url);
            case TEXT -> decode(body.bytes(), type.charset());
            case UNSUPPORTED -> throw new FetchRefusal(Reason.UNSUPPORTED_CONTENT, contentType.isBlank()
                    ? url + " did not say what kind of content it is (no Content-Type); only HTML, text and JSON are read"
                    : url + " is " + type.name() + ", which cannot be read as text; only HTML, text and JSON are read");
        };
        return new FetchedPage(url, status, contentType, text, body.truncated());
    }

    private static String decode(byte[] bytes, String charset) {
        Charset decoding = StandardCharsets.UTF_8;
        try {
            if (charset != null && Charset.isSupported(charset)) {
                decoding = Charset.forName(charset);
            }
        } catch (IllegalCharsetNameException e) {
            // A misspelt charset: UTF-8 is the best guess today.
        }
        String text = new String(bytes, decoding);
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    /** Network exceptions as sentences for the model; anything else (a bug) stays as it is. */
    private Throwable describe(Throwable failure, VettedTarget target) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        String where = target.hostHeader();
        if (cause instanceof HttpConnectTimeoutException) {
            return new FetchRefusal(Reason.TIMEOUT,
                    "could not connect to " + where + " within " + words(limits.connectTimeout()));
        }
        if (cause instanceof HttpTimeoutException) {
            return new FetchRefusal(Reason.TIMEOUT, "no answer from " + where + " within " + words(limits.totalTimeout()));
        }
        if (cause instanceof ConnectException) {
            return new FetchRefusal(Reason.NETWORK, "could not connect to " + where);
        }
        if (cause instanceof javax.net.ssl.SSLException) {
            return new FetchRefusal(Reason.NETWORK, "the secure (TLS) connection to " + where
                    + " failed; its certificate may be invalid");
        }
        if (cause instanceof IOException) {
            return new FetchRefusal(Reason.NETWORK, "the connection to " + where + " failed"
                    + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
        }
        if (cause instanceof IllegalArgumentException) {
            return new FetchRefusal(Reason.INVALID_URL, "cannot request " + target.url());
        }
        return cause;
    }

    private static String words(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }

    /** The parts of a Content-Type that matter here: what it is and how its text is encoded. */
    private record MediaType(String name, String charset) {

        enum Kind { HTML, TEXT, UNSUPPORTED }

        static MediaType parse(String header) {
            String[] parts = header.split(";");
            String name = parts[0].strip().toLowerCase(Locale.ROOT);
            String charset = null;
            for (int i = 1; i < parts.length; i++) {
                String parameter = parts[i].strip();
                if (parameter.regionMatches(true, 0, "charset=", 0, 8)) {
                    charset = parameter.substring(8).replace("\"", "").replace("'", "").strip();
                }
            }
            return new MediaType(name, charset == null || charset.isEmpty() ? null : charset);
        }

        Kind kind() {
            if (name.equals("text/html") || name.equals("application/xhtml+xml")) {
                return Kind.HTML;
            }
            if (name.startsWith("text/") || name.equals("application/json") || name.endsWith("+json")
                    || name.equals("application/xml") || name.endsWith("+xml")) {
                return Kind.TEXT;
            }
            return Kind.UNSUPPORTED;
        }
    }
}
