package com.miteos.tasks.service;

import com.miteos.net.PinnedRequests;
import com.miteos.net.TargetRefusal;
import com.miteos.tasks.config.WebhookConfig;
import com.miteos.tasks.domain.WebhookSigner;
import com.miteos.tasks.repository.WebhookDeliveries.Claimed;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Makes one attempt of a delivery: vets its URL again ({@link WebhookTargets}), signs the payload
 * (Standard Webhooks headers, a fresh {@code webhook-timestamp}, the delivery's fixed
 * {@code webhook-id}) and POSTs it to the vetted address, following no redirect, within the
 * timeout. Never fails: every problem becomes an {@link Attempt} with an error.
 */
@ApplicationScoped
public class WebhookSender {

    /** The answer's status code, or why there was none. */
    public record Attempt(Integer statusCode, String error) {

        public boolean delivered() {
            return statusCode != null && statusCode >= 200 && statusCode < 300;
        }
    }

    private final WebhookTargets targets;
    private final Duration timeout;
    private final HttpClient client;

    public WebhookSender(WebhookTargets targets, WebhookConfig config) {
        this.targets = targets;
        this.timeout = config.timeout();
        this.client = PinnedRequests.client(timeout);
    }

    public CompletableFuture<Attempt> send(Claimed delivery) {
        return CompletableFuture.supplyAsync(() -> targets.vet(delivery.url()), Infrastructure.getDefaultWorkerPool())
                .thenCompose(target -> {
                    long timestamp = Instant.now().getEpochSecond();
                    HttpRequest request = PinnedRequests.to(target)
                            .timeout(timeout)
                            .header("Content-Type", "application/json")
                            .header("User-Agent", "Miteos-Webhooks/1.0")
                            .header("webhook-id", delivery.id())
                            .header("webhook-timestamp", Long.toString(timestamp))
                            .header("webhook-signature", WebhookSigner.signature(delivery.secrets(), delivery.id(),
                                    timestamp, delivery.payload()))
                            .POST(HttpRequest.BodyPublishers.ofString(delivery.payload()))
                            .build();
                    return client.sendAsync(request, HttpResponse.BodyHandlers.discarding());
                })
                // The request timeout ends the wait for the answer's head; this one also bounds its body.
                .orTimeout(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS)
                .handle((response, failure) -> failure == null ? new Attempt(response.statusCode(), null)
                        : new Attempt(null, describe(failure)));
    }

    private String describe(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof TargetRefusal refusal) {
            return "the URL is refused: " + refusal.getMessage();
        }
        if (cause instanceof HttpConnectTimeoutException) {
            return "could not connect within " + timeout.toSeconds() + " s";
        }
        if (cause instanceof HttpTimeoutException || cause instanceof TimeoutException) {
            return "no answer within " + timeout.toSeconds() + " s";
        }
        return "connection failed (" + cause.getClass().getSimpleName() + ")";
    }
}
