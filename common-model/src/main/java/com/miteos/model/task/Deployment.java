package com.miteos.model.task;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The outcome of publishing a task's deliverables to its {@code deploy_target}.
 *
 * @param status {@code awaiting_approval}, {@code succeeded} or {@code failed}
 * @param url    where the deliverables can be seen (the S3 index, or the webhook that took them)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Deployment(
        @JsonProperty("target") String target,
        @JsonProperty("status") String status,
        @JsonProperty("url") String url,
        @JsonProperty("error") TaskError error) {

    public static final String AWAITING_APPROVAL = "awaiting_approval";
    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";
}
