package com.miteos.tasks.service;

import com.miteos.model.id.IdPrefix;
import com.miteos.model.id.Ids;
import com.miteos.model.view.WebhookEndpointView;
import com.miteos.net.TargetRefusal;
import com.miteos.tasks.config.WebhookConfig;
import com.miteos.tasks.domain.WebhookEvents;
import com.miteos.tasks.domain.WebhookSigner;
import com.miteos.tasks.repository.Owner;
import com.miteos.tasks.repository.WebhookEndpoints;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/** Registers, rotates and removes an owner's webhook endpoints, checking what the account sent. */
@ApplicationScoped
public class WebhookRegistrations {

    /** The request is invalid: one message per field ({@code url}, {@code events}). */
    public static class Invalid extends RuntimeException {

        private final Map<String, String> errors;

        Invalid(Map<String, String> errors) {
            super(errors.toString(), null, false, false);
            this.errors = Map.copyOf(errors);
        }

        public Map<String, String> errors() {
            return errors;
        }
    }

    /** The owner has as many endpoints as allowed. */
    public static class LimitReached extends RuntimeException {

        LimitReached(int max) {
            super("an account may register at most " + max + " webhook endpoints per mode", null, false, false);
        }
    }

    private final WebhookEndpoints endpoints;
    private final WebhookTargets targets;
    private final WebhookConfig config;

    public WebhookRegistrations(WebhookEndpoints endpoints, WebhookTargets targets, WebhookConfig config) {
        this.endpoints = endpoints;
        this.targets = targets;
        this.config = config;
    }

    /** Stores the endpoint; answers it with its secret, the only time the secret is shown. */
    public Uni<WebhookEndpointView> register(Owner owner, String url, List<String> events) {
        return Uni.createFrom().item(() -> check(url, events))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .flatMap(subscribed -> endpoints.create(owner, Ids.newId(IdPrefix.WEBHOOK), url.strip(), subscribed,
                        WebhookSigner.newSecret(), config.maxEndpointsPerAccount()))
                .onItem().ifNull().failWith(() -> new LimitReached(config.maxEndpointsPerAccount()));
    }

    /** A new secret for the owner's endpoint (the old one signs too for a while); null if there is none. */
    public Uni<WebhookEndpointView> rotate(Owner owner, String id) {
        return endpoints.rotate(owner, id, WebhookSigner.newSecret(), config.secretOverlap());
    }

    /** The subscribed events, deduplicated in the order given, if the URL and the events are acceptable. */
    private List<String> check(String url, List<String> events) {
        Map<String, String> errors = new LinkedHashMap<>();
        if (url == null || url.isBlank()) {
            errors.put("url", "is required");
        } else {
            try {
                targets.vet(url);
            } catch (TargetRefusal refusal) {
                errors.put("url", refusal.getMessage());
            }
        }
        List<String> subscribed = new ArrayList<>();
        if (events == null || events.isEmpty()) {
            errors.put("events", "must name at least one of " + String.join(", ", WebhookEvents.NAMES));
        } else {
            for (String event : new LinkedHashSet<>(events)) {
                if (event == null || !WebhookEvents.isWebhookEvent(event)) {
                    errors.put("events", "unknown event '" + event + "'; known: " + String.join(", ", WebhookEvents.NAMES));
                    break;
                }
                subscribed.add(event);
            }
        }
        if (!errors.isEmpty()) {
            throw new Invalid(errors);
        }
        return subscribed;
    }
}
