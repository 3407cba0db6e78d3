package com.miteos.model.view;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Instant;
import java.util.List;

/**
 * A webhook endpoint as {@code /v1/webhooks} shows it. {@code secret} is there only in the answer
 * that created it (registration, rotation), never in a listing. {@code disabled_at} and
 * {@code disabled_reason} say when and why deliveries to it stopped.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WebhookEndpointView(
        @JsonProperty("id") String id,
        @JsonProperty("url") String url,
        @JsonProperty("events") List<String> events,
        @JsonProperty("status") String status,
        @JsonProperty("created_at") Instant createdAt,
        @JsonProperty("disabled_at") Instant disabledAt,
        @JsonProperty("disabled_reason") String disabledReason,
        @JsonProperty("secret") String secret,
        @JsonProperty("previous_secret_expires_at") Instant previousSecretExpiresAt) {

    public static final String ENABLED = "enabled";
    public static final String DISABLED = "disabled";
}
