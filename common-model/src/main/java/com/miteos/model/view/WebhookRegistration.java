package com.miteos.model.view;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/** What the gateway forwards to task-service for {@code POST /v1/webhooks}, shape-checked. */
public record WebhookRegistration(@JsonProperty("url") String url, @JsonProperty("events") List<String> events) {
}
