package com.miteos.orchestrator.adapter.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.miteos.model.task.Deployment;
import com.miteos.model.task.Mode;
import com.miteos.model.task.TaskConfig;
import com.miteos.net.CountingListener;
import com.miteos.net.HostResolver;
import com.miteos.net.PinnedHttp;
import com.miteos.net.SsrfGuard;
import com.miteos.net.StandInPolicy;
import com.miteos.net.TestDns;
import com.miteos.orchestrator.application.deploy.DeliverableDeployer;
import com.miteos.orchestrator.domain.run.TaskRun;
import com.miteos.orchestrator.domain.run.RunJournals;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DNS rebinding against a plain-http webhook, over real sockets on this machine: the name resolves
 * to a "public" address (the stand-in 127.0.0.2, see {@link StandInPolicy}) when the guard checks
 * it and to 127.0.0.1 on every later lookup. The webhook must be delivered to the address that was
 * vetted, with the name in {@code Host}, and the loopback listener must see no connection.
 */
class WebhookRebindingTest {

    private CountingListener loopback;
    private HttpServer vetted;
    private final List<String> deliveredTo = new CopyOnWriteArrayList<>();

    @BeforeEach
    void listen() throws Exception {
        PinnedHttp.required();
        loopback = new CountingListener("127.0.0.1", 0);
        // The same port on both addresses: whichever address the client connects to, it finds a listener.
        vetted = HttpServer.create(new InetSocketAddress(TestDns.address(StandInPolicy.STAND_IN), loopback.port()), 0);
        vetted.createContext("/hook", exchange -> {
            deliveredTo.add(exchange.getRequestMethod() + " " + exchange.getRequestHeaders().getFirst("Host"));
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        vetted.start();
    }

    @AfterEach
    void stop() throws Exception {
        vetted.stop(0);
        loopback.close();
    }

    @Test
    void theWebhookGoesToTheVettedAddressNotToWhatTheNameResolvesToLater() {
        AtomicInteger lookups = new AtomicInteger();
        HostResolver rebinding = host -> List.of(InetAddress.getByAddress(host, TestDns.address(
                lookups.getAndIncrement() == 0 ? StandInPolicy.STAND_IN : "127.0.0.1").getAddress()));
        WebhookDeploy webhook = new WebhookDeploy(null, new ObjectMapper(), WebhookDeploySsrfTest.config(),
                new SsrfGuard(rebinding, new StandInPolicy()));
        String target = "http://rebind.test:" + loopback.port() + "/hook";
        TaskRun run = new TaskRun("task_rebind", "acct_test", Mode.LIVE, "p", new TaskConfig(1, 90, true, target, null),
                RunJournals.discard());

        new DeliverableDeployer(List.of(webhook)).deployIfAsked(run).await().atMost(Duration.ofSeconds(30));

        Deployment outcome = run.deployment().orElseThrow();
        assertThat(outcome.status()).as("deployment error: %s", outcome.error()).isEqualTo(Deployment.SUCCEEDED);
        assertThat(deliveredTo).containsExactly("POST rebind.test:" + loopback.port());
        assertThat(loopback.connections()).isZero();
        assertThat(lookups.get()).as("the name is looked up once, by the guard").isEqualTo(1);
    }
}
