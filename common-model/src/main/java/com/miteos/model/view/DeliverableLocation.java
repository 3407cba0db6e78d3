package com.miteos.model.view;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Where one deliverable's bytes are, as deliverable-service tells the gateway
 * ({@code GET /internal/tasks/{taskId}/deliverables/{fileId}/location}), so that the gateway reads
 * them from S3 itself: the file's metadata for the response headers, and a presigned S3 {@code GET}
 * of the object on the internal S3 endpoint ({@code MITEOS_S3_ENDPOINT}), valid for a minute. S3
 * credentials stay in deliverable-service; a {@code Range} header may be added to the read.
 *
 * @param sizeBytes          the file's size as recorded; the download announces it as its length
 * @param contentDisposition the {@code Content-Disposition: attachment} value for the file's name
 * @param readUrl            the presigned internal read; never given to API clients
 */
public record DeliverableLocation(
        @JsonProperty("id") String id,
        @JsonProperty("name") String name,
        @JsonProperty("type") String type,
        @JsonProperty("size_bytes") long sizeBytes,
        @JsonProperty("content_disposition") String contentDisposition,
        @JsonProperty("read_url") String readUrl) {
}
