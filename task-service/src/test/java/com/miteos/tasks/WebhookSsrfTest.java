package com.miteos.tasks;

import com.miteos.model.id.IdPrefix;
import com.miteos.model.id.Ids;
import com.miteos.net.CountingListener;
import com.miteos.net.HostResolver;
import com.miteos.net.SsrfPayloads;
import com.miteos.net.TestDns;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.notNullValue;

/**
 * Webhook targets pass the same SSRF guard as fetch_url, with the same payload corpus (common-model's
 * SsrfPayloads), in the production setting: loopback is not a target. Plain http stays allowed
 * here so that the guard, not the https rule, is what refuses. Every payload is refused at
 * registration; endpoints planted in the table behind the API's back are refused again before each
 * attempt. The listener the payloads aim at must see no connection at all.
 */
@QuarkusTest
@TestProfile(WebhookSsrfTest.ProductionTargets.class)
class WebhookSsrfTest {

    /** The production target policy (loopback refused), with http allowed and the corpus's DNS. */
    public static class ProductionTargets implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("miteos.webhooks.allow-loopback-targets", "false", "miteos.webhooks.allow-http", "true");
        }

        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(CorpusDns.class);
        }
    }

    /** The names of the corpus resolve as SsrfPayloads says (to loopback, or public and loopback); no real DNS. */
    @Alternative
    @Singleton
    public static class CorpusDns implements HostResolver {

        private final TestDns dns = SsrfPayloads.dns("93.184.215.14");

        @Override
        public List<InetAddress> resolve(String host) throws UnknownHostException {
            return dns.resolve(host);
        }
    }

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    @Any
    InMemoryConnector connector;

    @Inject
    Pool pool;

    @Test
    void everyPayloadOfTheCorpusIsRefusedAtRegistrationAndAtDeliveryAndNothingIsReached() throws Exception {
        String account = Ids.newId(IdPrefix.ACCOUNT);
        try (CountingListener internal = new CountingListener("127.0.0.1", 0)) {
            List<String> corpus = SsrfPayloads.aimedAt(internal.port());
            for (String payload : corpus) {
                WebhookTestSupport.register(account, payload, List.of("task.completed"))
                        .statusCode(400).body("errors.url", notNullValue());
            }
            assertThat(WebhookTestSupport.call(account, "GET", "").extract().<List<?>>path("webhooks")).isEmpty();

            List<String> planted = new ArrayList<>();
            for (String payload : corpus) {
                String id = Ids.newId(IdPrefix.WEBHOOK);
                planted.add(id);
                pool.preparedQuery("INSERT INTO webhook_endpoint (id, account_id, mode, url, events, secret)"
                                + " VALUES ($1, $2, 'test', $3, ARRAY['task.completed'], $4)")
                        .execute(Tuple.of(id, account, payload, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
                        .await().atMost(WAIT);
            }
            WebhookTestSupport.runTask(connector.source("task-events"), Ids.newId(IdPrefix.TASK), account);

            await().atMost(WAIT).until(() -> pool.preparedQuery("SELECT count(*) AS n FROM webhook_delivery"
                            + " WHERE endpoint_id = ANY($1) AND attempts >= 1")
                    .execute(Tuple.of(planted.toArray(String[]::new))).await().atMost(WAIT)
                    .iterator().next().getLong("n") == corpus.size());
            var errors = pool.preparedQuery("SELECT last_error FROM webhook_delivery WHERE endpoint_id = ANY($1)")
                    .execute(Tuple.of(planted.toArray(String[]::new))).await().atMost(WAIT);
            errors.forEach(row -> assertThat(row.getString("last_error")).startsWith("the URL is refused"));
            assertThat(internal.connections()).isZero();
        }
    }
}
