package com.miteos.model.view;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/** {@code GET /v1/webhooks}: every endpoint of the caller's account in its mode, newest first, without secrets. */
public record WebhookEndpointList(@JsonProperty("webhooks") List<WebhookEndpointView> webhooks) {
}
