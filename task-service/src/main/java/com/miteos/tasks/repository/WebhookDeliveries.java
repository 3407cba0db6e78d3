package com.miteos.tasks.repository;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.miteos.model.id.IdPrefix;
import com.miteos.model.id.Ids;
import com.miteos.model.view.WebhookDeliveryPage;
import com.miteos.model.view.WebhookDeliveryView;
import com.miteos.tasks.domain.DerivedEvent;
import com.miteos.tasks.domain.WebhookEvents;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * SQL of {@code webhook_delivery} (V5__webhooks.sql): queued in the event log's transaction,
 * claimed by workers under a lease, and shown to the endpoint's owner.
 */
@ApplicationScoped
public class WebhookDeliveries {

    /** A delivery a worker claimed, with what it needs to send it. {@code secrets}: current first. */
    public record Claimed(String id, String endpointId, String url, List<String> secrets, String payload,
            int attempts) {
    }

    private final Pool pool;
    private final ObjectMapper json;

    public WebhookDeliveries(Pool pool, ObjectMapper json) {
        this.pool = pool;
        this.json = json;
    }

    /**
     * Queues the webhook events among {@code events} (numbered from {@code firstId}) for every
     * enabled endpoint of the task's owner that subscribed to them, in the caller's transaction.
     * The delivery id is derived from endpoint, task and event, and the table's unique key covers
     * them too, so applying the same event again queues nothing.
     */
    public Uni<Void> enqueue(SqlClient tx, String taskId, long firstId, List<DerivedEvent> events) {
        if (events.stream().noneMatch(event -> WebhookEvents.isWebhookEvent(event.type()))) {
            return Uni.createFrom().voidItem();
        }
        return tx.preparedQuery("""
                        SELECT e.id, e.events FROM webhook_endpoint e JOIN tasks t
                            ON t.account_id = e.account_id AND t.mode = e.mode
                         WHERE t.id = $1 AND e.disabled_at IS NULL""")
                .execute(Tuple.of(taskId))
                .flatMap(endpoints -> {
                    List<Tuple> rows = new ArrayList<>();
                    for (Row endpoint : endpoints) {
                        Set<String> subscribed = Set.of(endpoint.getArrayOfStrings("events"));
                        for (int i = 0; i < events.size(); i++) {
                            DerivedEvent event = events.get(i);
                            if (WebhookEvents.isWebhookEvent(event.type()) && subscribed.contains(event.type())) {
                                long eventId = firstId + i;
                                String endpointId = endpoint.getString("id");
                                rows.add(Tuple.of(Ids.derivedId(IdPrefix.MESSAGE, taskId, endpointId,
                                        Long.toString(eventId)), endpointId, taskId, eventId, event.type(),
                                        payload(event)));
                            }
                        }
                    }
                    if (rows.isEmpty()) {
                        return Uni.createFrom().voidItem();
                    }
                    return tx.preparedQuery("""
                                    INSERT INTO webhook_delivery (id, endpoint_id, task_id, task_event_id, event_type,
                                                                  payload, next_attempt_at)
                                    VALUES ($1, $2, $3, $4, $5, $6, now()) ON CONFLICT DO NOTHING""")
                            .executeBatch(rows).replaceWithVoid();
                });
    }

    /**
     * Claims up to {@code limit} due deliveries of enabled endpoints, none of {@code busyEndpoints},
     * for {@code lease}: per endpoint at most {@code perEndpoint} less the deliveries it has in flight
     * under a live lease, whichever worker or replica holds them. Rows another worker is claiming right
     * now are skipped, not waited for; rows whose lease has run out (their worker died) are due again.
     */
    public Uni<List<Claimed>> claim(String worker, int limit, int perEndpoint, Set<String> busyEndpoints,
            Duration lease) {
        return pool.preparedQuery("""
                        WITH in_flight AS (
                            SELECT endpoint_id, count(*) AS n FROM webhook_delivery
                             WHERE state = 'pending' AND claimed_until >= now() GROUP BY endpoint_id),
                        ranked AS (
                            SELECT d.id, d.endpoint_id,
                                   row_number() OVER (PARTITION BY d.endpoint_id ORDER BY d.next_attempt_at) AS rank
                              FROM webhook_delivery d JOIN webhook_endpoint e ON e.id = d.endpoint_id
                             WHERE d.state = 'pending' AND d.next_attempt_at <= now()
                               AND (d.claimed_until IS NULL OR d.claimed_until < now())
                               AND e.disabled_at IS NULL AND NOT (d.endpoint_id = ANY($1))),
                        due AS (
                            SELECT d.id FROM webhook_delivery d JOIN ranked r ON r.id = d.id
                              LEFT JOIN in_flight f ON f.endpoint_id = r.endpoint_id
                             WHERE r.rank <= $2 - coalesce(f.n, 0) AND d.state = 'pending'
                               AND (d.claimed_until IS NULL OR d.claimed_until < now())
                             ORDER BY d.next_attempt_at LIMIT $3
                               FOR UPDATE OF d SKIP LOCKED)
                        UPDATE webhook_delivery d
                           SET claimed_until = now() + make_interval(secs => $4), claimed_by = $5
                          FROM due, webhook_endpoint e
                         WHERE d.id = due.id AND e.id = d.endpoint_id
                        RETURNING d.id, d.endpoint_id, e.url, e.secret, d.payload, d.attempts,
                                  CASE WHEN e.previous_secret_expires_at > now() THEN e.previous_secret END AS previous""")
                .execute(Tuple.tuple(List.of(busyEndpoints.toArray(String[]::new), perEndpoint, limit,
                        lease.toMillis() / 1000.0, worker)))
                .map(rows -> {
                    List<Claimed> claimed = new ArrayList<>(rows.size());
                    for (Row row : rows) {
                        List<String> secrets = new ArrayList<>(2);
                        secrets.add(row.getString("secret"));
                        if (row.getString("previous") != null) {
                            secrets.add(row.getString("previous"));
                        }
                        claimed.add(new Claimed(row.getString("id"), row.getString("endpoint_id"),
                                row.getString("url"), secrets, row.getString("payload"), row.getInteger("attempts")));
                    }
                    return claimed;
                });
    }

    /**
     * Records one attempt of a delivery this worker still holds: delivered, to be tried again
     * after {@code retryIn}, or (both null) failed for good. A worker whose lease ran out and
     * was taken over records nothing: answers false.
     */
    public Uni<Boolean> record(String id, String worker, Integer statusCode, String error, boolean delivered,
            Duration retryIn) {
        String state = delivered ? "delivered" : retryIn != null ? "pending" : "failed";
        return pool.preparedQuery("""
                        UPDATE webhook_delivery
                           SET state = $3, attempts = attempts + 1, last_status_code = $4, last_error = $5,
                               delivered_at = CASE WHEN $3 = 'delivered' THEN now() END,
                               next_attempt_at = CASE WHEN $3 = 'pending' THEN now() + make_interval(secs => $6) END,
                               claimed_until = NULL, claimed_by = NULL
                         WHERE id = $1 AND claimed_by = $2""")
                .execute(Tuple.tuple(Arrays.asList(id, worker, state, statusCode, error,
                        retryIn == null ? 0.0 : retryIn.toMillis() / 1000.0)))
                .map(rows -> rows.rowCount() > 0);
    }

    /** A page of an endpoint's deliveries, newest first; the caller checked that the owner has the endpoint. */
    public Uni<WebhookDeliveryPage> list(String endpointId, int limit, int offset) {
        return pool.preparedQuery("""
                        SELECT id, event_type, task_id, state, attempts, last_status_code, last_error, next_attempt_at,
                               delivered_at, created_at, count(*) OVER () AS total
                          FROM webhook_delivery WHERE endpoint_id = $1
                         ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3""")
                .execute(Tuple.of(endpointId, limit, offset))
                .flatMap(rows -> {
                    List<WebhookDeliveryView> views = new ArrayList<>(rows.size());
                    rows.forEach(row -> views.add(view(row)));
                    if (rows.size() > 0 || offset == 0) {
                        long total = rows.size() == 0 ? 0 : rows.iterator().next().getLong("total");
                        return Uni.createFrom().item(new WebhookDeliveryPage(views, total, limit, offset));
                    }
                    return pool.preparedQuery("SELECT count(*) AS total FROM webhook_delivery WHERE endpoint_id = $1")
                            .execute(Tuple.of(endpointId))
                            .map(count -> new WebhookDeliveryPage(views, count.iterator().next().getLong("total"),
                                    limit, offset));
                });
    }

    /**
     * Queues a delivery of the owner's endpoint again, to be sent at once, with its schedule from
     * the start; answers it, or null if the owner has no such delivery. One being sent right now
     * keeps its worker, whose result then counts as the first attempt.
     */
    public Uni<WebhookDeliveryView> redeliver(Owner owner, String endpointId, String deliveryId) {
        return pool.preparedQuery("""
                        UPDATE webhook_delivery d
                           SET state = 'pending', attempts = 0, next_attempt_at = now(), delivered_at = NULL
                          FROM webhook_endpoint e
                         WHERE d.id = $1 AND d.endpoint_id = $2 AND e.id = d.endpoint_id
                           AND e.account_id = $3 AND e.mode = $4
                        RETURNING d.id, d.event_type, d.task_id, d.state, d.attempts, d.last_status_code, d.last_error,
                                  d.next_attempt_at, d.delivered_at, d.created_at""")
                .execute(Tuple.of(deliveryId, endpointId, owner.accountId(), owner.mode().value()))
                .map(rows -> rows.size() == 0 ? null : view(rows.iterator().next()));
    }

    private static WebhookDeliveryView view(Row row) {
        return new WebhookDeliveryView(row.getString("id"), row.getString("event_type"), row.getString("task_id"),
                row.getString("state"), row.getInteger("attempts"), row.getInteger("last_status_code"),
                row.getString("last_error"), WebhookEndpoints.instant(row.getOffsetDateTime("next_attempt_at")),
                WebhookEndpoints.instant(row.getOffsetDateTime("delivered_at")),
                WebhookEndpoints.instant(row.getOffsetDateTime("created_at")));
    }

    /**
     * The body of a delivery, Standard Webhooks' {@code {type, timestamp, data}}: {@code data} is
     * the event's data exactly as the event stream has it (it carries {@code task_id}), timestamp
     * its {@code occurred_at} (a file's {@code created_at}).
     */
    private String payload(DerivedEvent event) {
        Object at = event.data().get("occurred_at");
        if (at == null) {
            at = event.data().get("created_at");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", event.type());
        body.put("timestamp", at == null ? Instant.now() : at);
        body.put("data", event.data());
        try {
            return json.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the payload of " + event.type(), e);
        }
    }
}
