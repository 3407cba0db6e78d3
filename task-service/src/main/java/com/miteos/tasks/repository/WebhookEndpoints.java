package com.miteos.tasks.repository;

import com.miteos.model.view.WebhookEndpointView;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * SQL of {@code webhook_endpoint} (V5__webhooks.sql) as the owner sees it: every statement names
 * the owner, so another account's endpoint is simply not found.
 */
@ApplicationScoped
public class WebhookEndpoints {

    private static final String COLUMNS = "id, url, events, created_at, disabled_at, disabled_reason, "
            + "CASE WHEN previous_secret_expires_at > now() THEN previous_secret_expires_at END AS previous_expires";

    private final Pool pool;

    public WebhookEndpoints(Pool pool) {
        this.pool = pool;
    }

    /**
     * Stores a new endpoint unless the owner has {@code max} already; answers it (with its secret),
     * or null at the cap. The owner's lock makes two concurrent registrations count one another.
     */
    public Uni<WebhookEndpointView> create(Owner owner, String id, String url, List<String> events, String secret,
            int max) {
        return pool.withTransaction(tx -> tx.preparedQuery("SELECT pg_advisory_xact_lock(hashtext($1))")
                .execute(Tuple.of("webhook_endpoint:" + owner.accountId() + ":" + owner.mode().value()))
                .flatMap(locked -> tx.preparedQuery("""
                                INSERT INTO webhook_endpoint (id, account_id, mode, url, events, secret)
                                SELECT $1, $2, $3, $4, $5, $6
                                 WHERE (SELECT count(*) FROM webhook_endpoint WHERE account_id = $2 AND mode = $3) < $7
                                RETURNING\s""" + COLUMNS)
                        .execute(Tuple.tuple(List.of(id, owner.accountId(), owner.mode().value(), url,
                                events.toArray(String[]::new), secret, max)))))
                .map(rows -> rows.size() == 0 ? null : view(rows.iterator().next(), secret));
    }

    /** The owner's endpoints, newest first, without secrets. */
    public Uni<List<WebhookEndpointView>> list(Owner owner) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM webhook_endpoint WHERE account_id = $1 AND mode = $2"
                        + " ORDER BY created_at DESC, id DESC")
                .execute(Tuple.of(owner.accountId(), owner.mode().value()))
                .map(rows -> {
                    List<WebhookEndpointView> views = new ArrayList<>(rows.size());
                    rows.forEach(row -> views.add(view(row, null)));
                    return views;
                });
    }

    /** The owner's endpoint, or null. */
    public Uni<WebhookEndpointView> find(Owner owner, String id) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM webhook_endpoint WHERE id = $1 AND account_id = $2"
                        + " AND mode = $3")
                .execute(Tuple.of(id, owner.accountId(), owner.mode().value()))
                .map(rows -> rows.size() == 0 ? null : view(rows.iterator().next(), null));
    }

    /** Deletes the owner's endpoint and its deliveries; false if there was none. */
    public Uni<Boolean> delete(Owner owner, String id) {
        return pool.preparedQuery("DELETE FROM webhook_endpoint WHERE id = $1 AND account_id = $2 AND mode = $3")
                .execute(Tuple.of(id, owner.accountId(), owner.mode().value()))
                .map(rows -> rows.rowCount() > 0);
    }

    /**
     * Makes {@code secret} the signing secret; the current one keeps signing for {@code overlap}.
     * Answers the endpoint with its new secret, or null if the owner has no such endpoint.
     */
    public Uni<WebhookEndpointView> rotate(Owner owner, String id, String secret, Duration overlap) {
        return pool.preparedQuery("""
                        UPDATE webhook_endpoint
                           SET previous_secret = secret, previous_secret_expires_at = now() + make_interval(secs => $5),
                               secret = $4
                         WHERE id = $1 AND account_id = $2 AND mode = $3
                        RETURNING\s""" + COLUMNS)
                .execute(Tuple.of(id, owner.accountId(), owner.mode().value(), secret, overlap.toMillis() / 1000.0))
                .map(rows -> rows.size() == 0 ? null : view(rows.iterator().next(), secret));
    }

    /** Stops deliveries to an endpoint for good, saying why; a disabled endpoint keeps its first reason. */
    public Uni<Void> disable(String id, String reason) {
        return pool.preparedQuery("UPDATE webhook_endpoint SET disabled_at = now(), disabled_reason = $2"
                        + " WHERE id = $1 AND disabled_at IS NULL")
                .execute(Tuple.of(id, reason)).replaceWithVoid();
    }

    /**
     * Enables the owner's endpoint again: deliveries it still had pending go out at once, new
     * events are queued for it again, and its failure window starts afresh. Answers the endpoint,
     * or null if the owner has no such endpoint; enabling an enabled endpoint changes nothing.
     */
    public Uni<WebhookEndpointView> enable(Owner owner, String id) {
        return pool.preparedQuery("""
                        UPDATE webhook_endpoint
                           SET disabled_at = NULL, disabled_reason = NULL,
                               first_failure_at = CASE WHEN disabled_at IS NULL THEN first_failure_at END
                         WHERE id = $1 AND account_id = $2 AND mode = $3
                        RETURNING\s""" + COLUMNS)
                .execute(Tuple.of(id, owner.accountId(), owner.mode().value()))
                .map(rows -> rows.size() == 0 ? null : view(rows.iterator().next(), null));
    }

    /** A delivery succeeded: the endpoint is healthy again. */
    public Uni<Void> succeeded(String id) {
        return pool.preparedQuery("UPDATE webhook_endpoint SET first_failure_at = NULL WHERE id = $1"
                        + " AND first_failure_at IS NOT NULL")
                .execute(Tuple.of(id)).replaceWithVoid();
    }

    /** An attempt failed: answers since when the endpoint has been failing without a success. */
    public Uni<Instant> failed(String id) {
        return pool.preparedQuery("UPDATE webhook_endpoint SET first_failure_at = coalesce(first_failure_at, now())"
                        + " WHERE id = $1 RETURNING first_failure_at")
                .execute(Tuple.of(id))
                .map(rows -> rows.size() == 0 ? Instant.now()
                        : rows.iterator().next().getOffsetDateTime("first_failure_at").toInstant());
    }

    private static WebhookEndpointView view(Row row, String secret) {
        Instant disabledAt = instant(row.getOffsetDateTime("disabled_at"));
        return new WebhookEndpointView(row.getString("id"), row.getString("url"),
                Arrays.asList(row.getArrayOfStrings("events")),
                disabledAt == null ? WebhookEndpointView.ENABLED : WebhookEndpointView.DISABLED,
                instant(row.getOffsetDateTime("created_at")), disabledAt, row.getString("disabled_reason"), secret,
                instant(row.getOffsetDateTime("previous_expires")));
    }

    static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.withOffsetSameInstant(ZoneOffset.UTC).toInstant();
    }
}
