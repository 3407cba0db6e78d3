package com.miteos.orchestrator.adapter.net;

import com.miteos.net.HostResolver;
import com.miteos.net.SsrfGuard;
import com.miteos.net.SsrfPayloads;
import com.miteos.net.TestDns;
import com.miteos.net.StandInPolicy;
import com.miteos.net.CountingListener;
import com.miteos.net.PinnedHttp;
import com.miteos.orchestrator.port.web.FetchedPage;
import com.miteos.orchestrator.port.web.FetchRefusal;
import com.miteos.orchestrator.port.web.FetchRefusal.Reason;
import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The fetcher against real sockets, all on this machine: a {@link CountingListener} on
 * 127.0.0.1 (and [::1], and the stand-in address) plays the internal service an attacker wants
 * to reach, and a {@link StandInSite} on 127.0.0.2 plays a public site. No test sends a packet
 * or a DNS query anywhere else: names resolve through {@link TestDns}, and the
 * {@link StandInPolicy} trips before any connection if the real policy ever lets through a
 * non-loopback address.
 */
class UrlFetcherTest {

    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private static CountingListener internal;
    private static CountingListener internalV6;
    private static CountingListener standInListener;
    private static StandInSite site;

    @BeforeAll
    static void start() throws IOException {
        PinnedHttp.required();
        internal = new CountingListener("127.0.0.1", 0);
        internalV6 = new CountingListener("::1", internal.port());
        // Same port on the stand-in address: a guard that checked only the first address of
        // mixed.test (127.0.0.2, then 127.0.0.1) would connect here.
        standInListener = new CountingListener(StandInPolicy.STAND_IN, internal.port());
        site = new StandInSite();
    }

    @AfterAll
    static void stop() throws IOException {
        site.close();
        internal.close();
        internalV6.close();
        standInListener.close();
    }

    static TestDns dns() {
        return SsrfPayloads.dns(StandInPolicy.STAND_IN).answer(StandInSite.NAME, StandInPolicy.STAND_IN);
    }

    static UrlFetcher fetcher(TestDns dns, FetchLimits limits) {
        return new UrlFetcher(new SsrfGuard(dns, new StandInPolicy()), limits);
    }

    static UrlFetcher fetcher() {
        return fetcher(dns(), FetchLimits.defaults());
    }

    static List<String> corpus() {
        return SsrfPayloads.aimedAt(internal.port());
    }

    /** What the corpus test counts; SECURITY.md quotes it. */
    static final int CORPUS_SIZE = 71;

    @Test
    void everyPayloadOfTheCorpusIsRefusedByTheGuardAndTheInternalListenerSeesNoConnection() {
        UrlFetcher fetcher = fetcher();
        List<String> notRefused = new ArrayList<>();
        int tried = 0;
        for (String payload : corpus()) {
            tried++;
            try {
                fetcher.fetch(payload).await().atMost(PATIENCE);
                notRefused.add(payload + " (fetched)");
            } catch (FetchRefusal refusal) {
                // A timeout or a failed connection is no refusal: a request went out.
                if (refusal.reason() != Reason.FORBIDDEN_TARGET && refusal.reason() != Reason.INVALID_URL) {
                    notRefused.add(payload + " (" + refusal.reason() + ": " + refusal.getMessage() + ")");
                }
            } catch (RuntimeException | AssertionError other) {
                notRefused.add(payload + " (" + other + ")");
            }
        }

        System.out.printf("fetch_url SSRF corpus: %d payloads tried, %d not refused by the guard%n", tried,
                notRefused.size());
        assertThat(notRefused).isEmpty();
        assertThat(tried).isEqualTo(CORPUS_SIZE);
        assertThat(internal.connections()).isZero();
        assertThat(internalV6.connections()).isZero();
        assertThat(standInListener.connections()).isZero();
    }

    static List<String> internalRedirectTargets() {
        int port = internal.port();
        return List.of("http://127.0.0.1:" + port + "/", "http://rebind.test:" + port + "/",
                "http://2130706433:" + port + "/", "http://0x7f.1:" + port + "/", "http://[::1]:" + port + "/",
                "http://[::ffff:127.0.0.1]:" + port + "/", "http://localhost:" + port + "/",
                "http://mixed.test:" + port + "/", "//127.0.0.1:" + port + "/",
                "http://169.254.169.254/latest/meta-data/", "http://metadata.google.internal/", "file:///etc/passwd");
    }

    @ParameterizedTest
    @MethodSource("internalRedirectTargets")
    void aRedirectToAnInternalTargetIsFollowedOnlyUpToTheRefusedHop(String target) {
        int internalBefore = internal.connections();
        int redirectsBefore = site.hits("/redirect");

        FetchRefusal refusal = refusal(fetcher().fetch(site.url("/redirect?to=" + encode(target))));

        assertThat(refusal.reason()).isIn(Reason.FORBIDDEN_TARGET, Reason.INVALID_URL);
        assertThat(site.hits("/redirect")).isEqualTo(redirectsBefore + 1);
        assertThat(internal.connections()).isEqualTo(internalBefore).isZero();
        assertThat(internalV6.connections()).isZero();
        assertThat(standInListener.connections()).isZero();
    }

    @Test
    void followsUpToFiveRedirectsVettingEveryHop() {
        TestDns dns = dns();
        int before = site.hits("/chain/");

        FetchedPage page = fetcher(dns, FetchLimits.defaults()).fetch(site.url("/chain/5")).await().atMost(PATIENCE);

        assertThat(page.text()).isEqualTo("end of the chain");
        assertThat(page.url()).isEqualTo(site.url("/chain/0"));
        assertThat(site.hits("/chain/") - before).isEqualTo(6);
        assertThat(dns.asked()).hasSize(6).containsOnly(StandInSite.NAME);
    }

    @Test
    void refusesTheSixthRedirectWithoutFollowingIt() {
        int before = site.hits("/chain/");

        FetchRefusal refusal = refusal(fetcher().fetch(site.url("/chain/6")));

        assertThat(refusal.reason()).isEqualTo(Reason.TOO_MANY_REDIRECTS);
        assertThat(refusal).hasMessageContaining("more than 5 redirects");
        assertThat(site.hits("/chain/") - before).isEqualTo(6);
    }

    @Test
    void resolvesARelativeRedirectAgainstTheNameItCameFrom() {
        FetchedPage page = fetcher().fetch(site.url("/redirect?to=%2Fecho")).await().atMost(PATIENCE);

        assertThat(page.url()).isEqualTo(site.url("/echo"));
        assertThat(page.text()).contains("host=" + StandInSite.NAME + ":" + site.port());
    }

    @Test
    void connectsToTheVettedAddressWithTheOriginalHostAndAFixedUserAgent() {
        // site.test exists only in TestDns: the request can only have arrived by address.
        FetchedPage page = fetcher().fetch(site.url("/echo")).await().atMost(PATIENCE);

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.text()).isEqualTo("host=site.test:" + site.port()
                + "\nuser-agent=Miteos-Agent/0.1 (+https://miteos.dev/bot)\nmethod=GET");
        assertThat(page.truncated()).isFalse();
    }

    @Test
    void stopsReadingAtTheByteLimitAndMarksThePageTruncated() {
        FetchLimits small = new FetchLimits(Duration.ofSeconds(5), Duration.ofSeconds(15), 64 * 1024, 5);

        FetchedPage page = fetcher(dns(), small).fetch(site.url("/big?mib=8")).await().atMost(PATIENCE);

        assertThat(page.truncated()).isTrue();
        assertThat(page.text()).hasSize(64 * 1024).startsWith("0123456789abcdef");
    }

    @Test
    void truncatesAtTwoMebibytesByDefault() {
        FetchedPage page = fetcher().fetch(site.url("/big?mib=3")).await().atMost(PATIENCE);

        assertThat(page.truncated()).isTrue();
        assertThat(page.text()).hasSize(2 * 1024 * 1024);
    }

    @Test
    void aBodyExactlyAtTheLimitIsNotTruncated() {
        FetchLimits oneMebibyte = new FetchLimits(Duration.ofSeconds(5), Duration.ofSeconds(15), 1024 * 1024, 5);

        FetchedPage page = fetcher(dns(), oneMebibyte).fetch(site.url("/big?mib=1")).await().atMost(PATIENCE);

        assertThat(page.truncated()).isFalse();
        assertThat(page.text()).hasSize(1024 * 1024);
    }

    /** The site never answers /slow while the tests run: only the fetch's own timeout can end it. */
    @Test
    void timesOutAServerThatDoesNotAnswer() {
        FetchLimits quick = new FetchLimits(Duration.ofSeconds(1), Duration.ofMillis(500), 1024, 5);

        FetchRefusal refusal = refusal(fetcher(dns(), quick).fetch(site.url("/slow")));

        assertThat(refusal.reason()).isEqualTo(Reason.TIMEOUT);
        assertThat(refusal).hasMessageContaining("500 ms");
    }

    @Test
    void timesOutAServerThatStallsInTheMiddleOfTheBody() {
        FetchLimits quick = new FetchLimits(Duration.ofSeconds(1), Duration.ofMillis(500), 1024, 5);

        FetchRefusal refusal = refusal(fetcher(dns(), quick).fetch(site.url("/slow-body")));

        assertThat(refusal.reason()).isEqualTo(Reason.TIMEOUT);
    }

    /**
     * The server sends part of a body and then waits to see what the client does. Without the
     * fetcher letting go, the JDK client would keep waiting for the rest of the body; the server
     * gives up only after a minute, which this test counts as a failure.
     */
    @Test
    void closesTheConnectionOfAServerStallingMidBodyWhenTheTimeoutFires() throws Exception {
        FetchLimits quick = new FetchLimits(Duration.ofSeconds(1), Duration.ofMillis(500), 1024, 5);
        try (ServerSocket stalling = new ServerSocket()) {
            stalling.bind(new InetSocketAddress(TestDns.address(StandInPolicy.STAND_IN), 0));
            CompletableFuture<String> clientDid = CompletableFuture.supplyAsync(() -> {
                try (Socket socket = stalling.accept()) {
                    socket.setSoTimeout(60_000);
                    socket.getInputStream().read(new byte[8192]);
                    socket.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                            + "Content-Length: 100\r\n\r\nthe start").getBytes(StandardCharsets.US_ASCII));
                    return socket.getInputStream().read() < 0 ? "closed" : "sent more";
                } catch (SocketTimeoutException e) {
                    return "kept the connection open";
                } catch (IOException e) {
                    return "closed"; // a reset is a close too
                }
            });

            FetchRefusal refusal = refusal(fetcher(dns(), quick)
                    .fetch("http://" + StandInSite.NAME + ":" + stalling.getLocalPort() + "/"));

            assertThat(refusal.reason()).isEqualTo(Reason.TIMEOUT);
            assertThat(clientDid.get(90, TimeUnit.SECONDS)).isEqualTo("closed");
        }
    }

    @Test
    void turnsHtmlIntoReadableTextWithoutScriptsStylesOrHiddenParts() {
        FetchedPage page = fetcher().fetch(site.url("/page")).await().atMost(PATIENCE);

        assertThat(page.contentType()).isEqualTo("text/html; charset=utf-8");
        assertThat(page.text())
                .startsWith("# Stand-in page\n\n# Welcome\n\nFirst paragraph with a [relative link]("
                        + site.url("/next") + ").")
                .contains("- one\n- two")
                .contains("  indented\n  code")
                .doesNotContain("script text", "color: red", "hidden text", "noscript text");
    }

    @Test
    void returnsJsonAndPlainTextAsSentInTheirCharset() {
        assertThat(fetcher().fetch(site.url("/json")).await().atMost(PATIENCE).text()).isEqualTo("{\"answer\": 42}");
        assertThat(fetcher().fetch(site.url("/text")).await().atMost(PATIENCE).text()).isEqualTo("caf\u00e9");
    }

    @Test
    void refusesContentThatIsNotText() {
        FetchRefusal refusal = refusal(fetcher().fetch(site.url("/image")));

        assertThat(refusal.reason()).isEqualTo(Reason.UNSUPPORTED_CONTENT);
        assertThat(refusal).hasMessageContaining("image/png").hasMessageContaining("HTML, text and JSON");
    }

    @Test
    void refusesAnAnswerThatIsNotASuccess() {
        FetchRefusal refusal = refusal(fetcher().fetch(site.url("/missing")));

        assertThat(refusal.reason()).isEqualTo(Reason.HTTP_STATUS);
        assertThat(refusal).hasMessageContaining("HTTP 404");
    }

    @Test
    void refusesARedirectThatSaysNotWhere() {
        assertThat(refusal(fetcher().fetch(site.url("/redirect-nowhere"))).reason()).isEqualTo(Reason.HTTP_STATUS);
    }

    @Test
    void reportsAClosedPortAsANetworkFailure() throws IOException {
        int closedPort;
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(TestDns.address(StandInPolicy.STAND_IN), 0));
            closedPort = probe.getLocalPort();
        }

        FetchRefusal refusal = refusal(fetcher().fetch("http://" + StandInSite.NAME + ":" + closedPort + "/"));

        assertThat(refusal.reason()).isEqualTo(Reason.NETWORK);
        assertThat(refusal).hasMessageContaining(StandInSite.NAME);
    }

    @Test
    void looksNamesUpOffTheSubscribingThread() {
        AtomicReference<Thread> lookupThread = new AtomicReference<>();
        TestDns dns = dns();
        HostResolver recording = host -> {
            lookupThread.set(Thread.currentThread());
            return dns.resolve(host);
        };
        UrlFetcher fetcher = new UrlFetcher(new SsrfGuard(recording, new StandInPolicy()), FetchLimits.defaults());

        fetcher.fetch(site.url("/json")).await().atMost(PATIENCE);

        assertThat(lookupThread.get()).isNotNull().isNotSameAs(Thread.currentThread());
    }

    @Test
    void doesNothingUntilSubscribed() {
        int before = site.hits("/echo");

        fetcher().fetch(site.url("/echo"));

        assertThat(site.hits("/echo")).isEqualTo(before);
    }

    @Test
    void theCountingListenerCountsEveryConnectionSoItsZeroMeansSomething() throws IOException {
        try (CountingListener probe = new CountingListener("127.0.0.1", 0);
             Socket raw = new Socket(probe.address(), probe.port())) {
            raw.getOutputStream().write("not even http\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            raw.getInputStream().readAllBytes();
            assertThat(probe.connections()).isEqualTo(1);
        }
    }

    static FetchRefusal refusal(Uni<FetchedPage> fetch) {
        try {
            FetchedPage page = fetch.await().atMost(PATIENCE);
            return fail("expected a refusal, got " + page);
        } catch (FetchRefusal refusal) {
            return refusal;
        }
    }

    private static String encode(String url) {
        return URLEncoder.encode(url, StandardCharsets.UTF_8);
    }
}
