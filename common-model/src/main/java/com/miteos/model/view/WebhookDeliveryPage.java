package com.miteos.model.view;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/** One page of {@code GET /v1/webhooks/{id}/deliveries}, newest first; paged like {@link TaskPage}. */
public record WebhookDeliveryPage(
        @JsonProperty("deliveries") List<WebhookDeliveryView> deliveries,
        @JsonProperty("total") long total,
        @JsonProperty("limit") int limit,
        @JsonProperty("offset") int offset) {
}
