package com.miteos.gateway.rest;

import io.smallrye.openapi.api.util.FilterUtil;
import io.smallrye.openapi.api.util.UnusedSchemaFilter;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finishes the public OpenAPI document ({@code mp.openapi.filter}): it keeps only the {@code /v1}
 * paths, gives every {@code /v1} operation the problems any request can meet (401 before
 * anything else, 429 from the rate limit, 500 and 503), and puts on every response the headers
 * the gateway sets on all of them: {@code X-Request-Id} ({@link RequestIds}) and, once the key is
 * known, {@code RateLimit-Limit} and {@code RateLimit-Remaining} ({@link RateLimitEnforcer}).
 * Last, it drops the schemas nothing refers to.
 */
public class PublicApiDocument implements OASFilter {

    static final String PUBLIC_PREFIX = "/v1/";
    private static final Map<String, String> SHARED_RESPONSES = new LinkedHashMap<>();

    static {
        SHARED_RESPONSES.put("401", "Unauthorized");
        SHARED_RESPONSES.put("429", "TooManyRequests");
        SHARED_RESPONSES.put("500", "InternalError");
        SHARED_RESPONSES.put("503", "ServiceUnavailable");
    }
    private static final List<String> RATE_LIMIT_HEADERS = List.of(
            RateLimitEnforcer.LIMIT_HEADER, RateLimitEnforcer.REMAINING_HEADER);

    @Override
    public void filterOpenAPI(OpenAPI document) {
        if (document.getPaths() != null) {
            document.getPaths().getPathItems().keySet().stream()
                    .filter(path -> !path.startsWith(PUBLIC_PREFIX))
                    .toList()
                    .forEach(document.getPaths()::removePathItem);
            document.getPaths().getPathItems().values().forEach(PublicApiDocument::completeOperations);
        }
        if (document.getComponents() != null && document.getComponents().getResponses() != null) {
            document.getComponents().getResponses().forEach((name, response) ->
                    addHeaders(response, !"Unauthorized".equals(name)));
        }
        // The scanner also wrote schemas of the Java return types (TaskView, ...); with the content
        // it put beside the referenced responses gone, nothing uses them any more.
        FilterUtil.applyFilter(new UnusedSchemaFilter(), document);
    }

    private static void completeOperations(PathItem path) {
        for (Operation operation : path.getOperations().values()) {
            SHARED_RESPONSES.forEach((status, component) -> {
                if (operation.getResponses().getAPIResponse(status) == null) {
                    operation.getResponses().addAPIResponse(status, OASFactory.createAPIResponse().ref(component));
                }
            });
            operation.getResponses().getAPIResponses().values().forEach(response -> addHeaders(response, true));
        }
    }

    /**
     * Inline responses and response components get the headers; a reference gets them from its
     * target, and keeps the target's description and content (the scanner puts a bare "OK" and the
 * Java return type's schema next to it).
     */
    private static void addHeaders(APIResponse response, boolean rateLimited) {
        if (response.getRef() != null) {
            response.setDescription(null);
            response.setContent(null);
            return;
        }
        response.addHeader(RequestIds.HEADER, OASFactory.createHeader().ref(RequestIds.HEADER));
        if (rateLimited) {
            RATE_LIMIT_HEADERS.forEach(h -> response.addHeader(h, OASFactory.createHeader().ref(h)));
        }
    }
}
