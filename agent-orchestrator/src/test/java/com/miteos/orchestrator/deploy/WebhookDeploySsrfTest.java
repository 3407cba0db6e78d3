package com.miteos.orchestrator.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.miteos.model.task.Mode;
import com.miteos.model.task.TaskConfig;
import com.miteos.orchestrator.agent.TaskRun;
import com.miteos.orchestrator.agent.TaskJournal;
import com.miteos.orchestrator.config.OrchestratorConfig;
import com.miteos.orchestrator.tool.web.CountingListener;
import com.miteos.orchestrator.tool.web.SsrfGuard;
import com.miteos.orchestrator.tool.web.SsrfPayloads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SSRF corpus against webhook deploy targets: every payload is refused before any
 * connection, and listeners on loopback see none.
 */
class WebhookDeploySsrfTest {

    private CountingListener internal;
    private CountingListener internalV6;

    @BeforeEach
    void listen() throws Exception {
        internal = new CountingListener("127.0.0.1", 0);
        internalV6 = new CountingListener("::1", internal.port());
    }

    @AfterEach
    void stop() throws Exception {
        internal.close();
        internalV6.close();
    }

    @Test
    void everyCorpusPayloadIsRefusedAndNothingReachesTheInside() {
        WebhookDeploy webhook = new WebhookDeploy(null, new ObjectMapper(), config(),
                new SsrfGuard(SsrfPayloads.dns("203.0.113.10")));
        TaskRun run = new TaskRun("task_ssrf", "acct_test", Mode.LIVE, "p", new TaskConfig(1, 90, false, null, null),
                TaskJournal.events(event -> { }));
        List<String> payloads = SsrfPayloads.aimedAt(internal.port());
        List<String> notRefused = new ArrayList<>();

        for (String payload : payloads) {
            URI target;
            try {
                target = URI.create(payload);
            } catch (IllegalArgumentException unparseable) {
                continue; // the gateway refuses such targets at creation; nothing to send
            }
            try {
                webhook.deploy(run, target).await().atMost(Duration.ofSeconds(10));
                notRefused.add(payload);
            } catch (DeployFailure refused) {
                assertThat(refused.code()).as(payload).isIn("deploy_target_refused", "deploy_failed");
            } catch (RuntimeException other) {
                assertThat(other).as(payload).isInstanceOf(DeployFailure.class);
            }
        }

        System.out.printf("webhook SSRF corpus: %d payloads tried, %d not refused, %d connections reached%n",
                payloads.size(), notRefused.size(), internal.connections() + internalV6.connections());
        assertThat(payloads).hasSizeGreaterThanOrEqualTo(30);
        assertThat(notRefused).isEmpty();
        assertThat(internal.connections() + internalV6.connections()).isZero();
    }

    private static OrchestratorConfig.Deploy config() {
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
                return Duration.ofSeconds(2);
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
