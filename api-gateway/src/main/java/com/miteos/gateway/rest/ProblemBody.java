package com.miteos.gateway.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.miteos.gateway.domain.ApiProblem;

import java.util.List;

/** The JSON of an RFC 9457 problem, as every error of the API answers it. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ProblemBody(
        @JsonProperty("type") String type,
        @JsonProperty("title") String title,
        @JsonProperty("status") int status,
        @JsonProperty("detail") String detail,
        @JsonProperty("instance") String instance,
        @JsonProperty("request_id") String requestId,
        @JsonProperty("errors") List<ApiProblem.FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";
    private static final String TYPE_BASE = "https://api.miteos.com/problems/";

    public static ProblemBody of(ApiProblem problem, String path, String requestId) {
        return new ProblemBody(TYPE_BASE + problem.type(), problem.title(), problem.status(), problem.detail(), path,
                requestId, problem.errors());
    }
}
