package com.miteos.orchestrator.adapter.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.miteos.model.task.Deployment;
import com.miteos.model.task.Mode;
import com.miteos.model.task.TaskConfig;
import com.miteos.net.PinnedHttp;
import com.miteos.net.SsrfGuard;
import com.miteos.net.SsrfPayloads;
import com.miteos.net.TestDns;
import com.miteos.orchestrator.application.deploy.DeliverableDeployer;
import com.miteos.orchestrator.config.OrchestratorConfig;
import com.miteos.orchestrator.domain.run.TaskRun;
import com.miteos.orchestrator.domain.run.RunJournals;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SSRF corpus against webhook deploy targets, each given as a task's {@code deploy_target}
 * and deployed the way a finished task deploys. Every payload must be refused with a refusal
 * code, not merely fail to connect, and nothing may be sent for it. The transport only records
 * what would be sent, so a guard that let a payload through is caught even when the address is
 * unreachable or public, and no packet leaves the machine. {@link WebhookRebindingTest} checks
 * the real connection.
 */
class WebhookDeploySsrfTest {

    /** A globally routable address: the production policy permits it, so it truly tests mixed answers. */
    static final String PUBLIC = "93.184.216.34";
    static final int PORT = 8080;
    /** Corpus payloads that reach the webhook and its guard: http(s) URLs the deployer can parse. */
    static final int TRIED_AGAINST_THE_GUARD = 64;
    /** Corpus payloads the deployer refuses before the webhook: unparseable, or not http(s). */
    static final int REFUSED_BY_THE_DEPLOYER = 7;

    private final List<HttpRequest> sent = new CopyOnWriteArrayList<>();
    private final TestDns dns = SsrfPayloads.dns(PUBLIC).answer("public.test", PUBLIC);
    private final WebhookDeploy webhook = new WebhookDeploy(null, new ObjectMapper(), config(),
            new SsrfGuard(dns), request -> {
                sent.add(request);
                return CompletableFuture.completedFuture(204);
            });

    @BeforeAll
    static void pinningIsOn() {
        PinnedHttp.required();
    }

    @Test
    void everyCorpusPayloadIsRefusedWithARefusalCodeAndNothingIsSent() {
        List<String> payloads = SsrfPayloads.aimedAt(PORT);
        List<String> refusedByTheGuard = new ArrayList<>();
        List<String> refusedByTheDeployer = new ArrayList<>();
        List<String> notRefused = new ArrayList<>();

        for (String payload : payloads) {
            Deployment outcome = deploy(payload);
            String code = outcome.error() == null ? null : outcome.error().code();
            if (Deployment.FAILED.equals(outcome.status()) && "deploy_target_refused".equals(code)) {
                refusedByTheGuard.add(payload);
            } else if (Deployment.FAILED.equals(outcome.status()) && "deploy_target_invalid".equals(code)
                    && !isParseableHttp(payload)) {
                refusedByTheDeployer.add(payload);
            } else {
                notRefused.add(payload + " -> " + outcome.status() + " " + code);
            }
        }

        System.out.printf("webhook SSRF corpus: %d payloads, %d refused by the guard, %d by the deployer "
                + "(not http(s) or unparseable), %d requests sent%n", payloads.size(), refusedByTheGuard.size(),
                refusedByTheDeployer.size(), sent.size());
        assertThat(notRefused).isEmpty();
        assertThat(sent).isEmpty();
        assertThat(refusedByTheGuard).hasSize(TRIED_AGAINST_THE_GUARD);
        assertThat(refusedByTheDeployer).hasSize(REFUSED_BY_THE_DEPLOYER);
        assertThat(payloads).hasSize(TRIED_AGAINST_THE_GUARD + REFUSED_BY_THE_DEPLOYER);
    }

    @Test
    void aNameWithAPublicAndAPrivateAddressIsRefusedWhicheverComesFirst() {
        dns.answer("private-first.test", "10.0.0.1", PUBLIC).answer("public-first.test", PUBLIC, "10.0.0.1");

        for (String name : List.of("public-first.test", "private-first.test", "mixed.test")) {
            assertThat(deploy("http://" + name + ":" + PORT + "/hook"))
                    .as(name).extracting(Deployment::status, d -> d.error() == null ? null : d.error().code())
                    .containsExactly(Deployment.FAILED, "deploy_target_refused");
        }
        assertThat(sent).isEmpty();
    }

    /** The other side of the corpus: without it, a guard (or test) refusing everything would pass. */
    @Test
    void aPublicNamePassesTheGuardAndThePlainHttpRequestIsAimedAtItsVettedAddress() {
        Deployment outcome = deploy("http://public.test:" + PORT + "/hook?x=1");

        assertThat(outcome.status()).isEqualTo(Deployment.SUCCEEDED);
        assertThat(sent).hasSize(1);
        HttpRequest request = sent.get(0);
        assertThat(request.uri()).isEqualTo(URI.create("http://" + PUBLIC + ":" + PORT + "/hook?x=1"));
        assertThat(request.headers().firstValue("Host")).contains("public.test:" + PORT);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.headers().firstValue(WebhookDeploy.SIGNATURE_HEADER)).isPresent();
        assertThat(dns.asked()).containsExactly("public.test");
    }

    /**
     * The documented limit (see {@code PinnedRequests}): an https webhook is vetted like any other
     * but requested by name, so the HTTP client looks the name up again.
     */
    @Test
    void anHttpsWebhookIsVettedButRequestedByName() {
        Deployment outcome = deploy("https://public.test/hook");

        assertThat(outcome.status()).isEqualTo(Deployment.SUCCEEDED);
        assertThat(dns.asked()).containsExactly("public.test");
        assertThat(sent).singleElement().satisfies(request -> {
            assertThat(request.uri()).isEqualTo(URI.create("https://public.test/hook"));
            assertThat(request.headers().firstValue("Host")).isEmpty();
        });
    }

    private Deployment deploy(String target) {
        TaskRun run = new TaskRun("task_ssrf", "acct_test", Mode.LIVE, "p", new TaskConfig(1, 90, true, target, null),
                RunJournals.discard());
        new DeliverableDeployer(List.of(webhook)).deployIfAsked(run).await().atMost(Duration.ofSeconds(10));
        return run.deployment().orElseThrow();
    }

    private static boolean isParseableHttp(String target) {
        try {
            String scheme = new URI(target).getScheme();
            return "http".equals(scheme) || "https".equals(scheme);
        } catch (URISyntaxException e) {
            return false;
        }
    }

    static OrchestratorConfig.Deploy config() {
        return new OrchestratorConfig.Deploy() {
            @Override
            public Optional<String> webhookSecret() {
                return Optional.of("secret");
            }

            @Override
            public boolean allowPrivateTargets() {
                return false;
            }

            @Override
            public Duration timeout() {
                return Duration.ofSeconds(10);
            }

            @Override
            public Optional<List<String>> s3Buckets() {
                return Optional.empty();
            }

            @Override
            public Duration urlValidity() {
                return Duration.ofHours(1);
            }
        };
    }
}
