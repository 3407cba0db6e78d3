package com.miteos.gateway.rest;

import com.miteos.gateway.client.WebhookDirectory;
import com.miteos.gateway.domain.ApiProblem;
import com.miteos.gateway.domain.ApiProblem.FieldError;
import com.miteos.gateway.mapping.JsonBody;
import com.miteos.gateway.mapping.WebhookRequestParser;
import com.miteos.model.view.WebhookDeliveryPage;
import com.miteos.model.view.WebhookDeliveryView;
import com.miteos.model.view.WebhookEndpointList;
import com.miteos.model.view.WebhookEndpointView;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code /v1/webhooks}: the caller's webhook endpoints (Standard Webhooks) in its account and mode.
 * The endpoints live in task-service, which vets URLs and sends the deliveries; this resource maps
 * HTTP to {@link WebhookDirectory}. Components are in {@code META-INF/openapi.yaml}.
 */
@Path("/v1/webhooks")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Webhooks")
public class WebhookResource {

    private final WebhookDirectory webhooks;
    private final CurrentCaller caller;

    public WebhookResource(WebhookDirectory webhooks, CurrentCaller caller) {
        this.webhooks = webhooks;
        this.caller = caller;
    }

    @POST
    @Operation(operationId = "createWebhook", summary = "Register a webhook endpoint",
            description = "Registers an https URL to receive the chosen events of the caller's tasks in its mode. The "
                    + "answer carries the endpoint's signing secret; it is shown only this once.")
    @APIResponse(responseCode = "201", ref = "WebhookCreated")
    @APIResponse(responseCode = "400", ref = "WebhookBadRequest")
    @APIResponse(responseCode = "409", ref = "WebhookLimit")
    @APIResponse(responseCode = "413", ref = "BodyTooLarge")
    public Uni<Response> create(@RequestBody(ref = "CreateWebhook") String body) {
        WebhookRequestParser.NewWebhook request = WebhookRequestParser.parse(JsonBody.object(body));
        return webhooks.register(caller.get(), request.url(), request.events())
                .map(created -> Response.status(Response.Status.CREATED)
                        .location(URI.create("/v1/webhooks/" + created.id()))
                        .entity(created).build());
    }

    @GET
    @Operation(operationId = "listWebhooks", summary = "List webhook endpoints",
            description = "The caller's endpoints in its mode, newest first, without secrets; a disabled one says "
                    + "when and why.")
    @APIResponse(responseCode = "200", ref = "WebhookList")
    public Uni<WebhookEndpointList> list() {
        return webhooks.list(caller.get());
    }

    @DELETE
    @Path("/{id}")
    @Operation(operationId = "deleteWebhook", summary = "Delete a webhook endpoint",
            description = "Removes the endpoint and its deliveries; nothing more is sent to it.")
    @APIResponse(responseCode = "204", description = "Deleted.")
    @APIResponse(responseCode = "404", ref = "WebhookNotFound")
    public Uni<Response> delete(@Parameter(ref = "WebhookId") @PathParam("id") String id) {
        return webhooks.delete(caller.get(), id).replaceWith(Response.noContent().build());
    }

    @POST
    @Path("/{id}/rotate-secret")
    @Operation(operationId = "rotateWebhookSecret", summary = "Rotate a webhook's signing secret",
            description = "Answers a new secret, shown only this once. For 24 hours every delivery is signed with "
                    + "both the new and the previous secret, so receivers can switch without losing an event.")
    @APIResponse(responseCode = "200", ref = "WebhookSecretRotated")
    @APIResponse(responseCode = "404", ref = "WebhookNotFound")
    public Uni<WebhookEndpointView> rotate(@Parameter(ref = "WebhookId") @PathParam("id") String id) {
        return webhooks.rotate(caller.get(), id);
    }

    @POST
    @Path("/{id}/enable")
    @Operation(operationId = "enableWebhook", summary = "Enable a disabled webhook endpoint",
            description = "Resumes deliveries to an endpoint that was disabled (it answered 410 Gone, or failed without a "
                    + "success for 5 days): the deliveries it still had pending go out at once, new events are sent to "
                    + "it again, and its failure window starts afresh. Failed deliveries can be sent again with "
                    + "redeliver. Enabling an enabled endpoint changes nothing.")
    @APIResponse(responseCode = "200", ref = "WebhookEnabled")
    @APIResponse(responseCode = "404", ref = "WebhookNotFound")
    public Uni<WebhookEndpointView> enable(@Parameter(ref = "WebhookId") @PathParam("id") String id) {
        return webhooks.enable(caller.get(), id);
    }

    @GET
    @Path("/{id}/deliveries")
    @Operation(operationId = "listWebhookDeliveries", summary = "List a webhook's deliveries",
            description = "The endpoint's deliveries, newest first, a page at a time: event, attempts, last status "
                    + "code and the next attempt.")
    @APIResponse(responseCode = "200", ref = "WebhookDeliveries")
    @APIResponse(responseCode = "400", ref = "InvalidQuery")
    @APIResponse(responseCode = "404", ref = "WebhookNotFound")
    public Uni<WebhookDeliveryPage> deliveries(@Parameter(ref = "WebhookId") @PathParam("id") String id,
            @Parameter(ref = "Limit") @QueryParam("limit") String limit,
            @Parameter(ref = "Offset") @QueryParam("offset") String offset) {
        List<FieldError> errors = new ArrayList<>();
        int pageSize = TaskResource.integer("limit", limit, 20, 1, 100, errors);
        int skip = TaskResource.integer("offset", offset, 0, 0, Integer.MAX_VALUE, errors);
        if (!errors.isEmpty()) {
            throw ApiProblem.validation(errors);
        }
        return webhooks.deliveries(caller.get(), id, pageSize, skip);
    }

    @POST
    @Path("/{id}/deliveries/{delivery_id}/redeliver")
    @Operation(operationId = "redeliverWebhook", summary = "Send a delivery again",
            description = "Queues the delivery to be sent at once, with the same webhook-id and body and a fresh "
                    + "retry schedule.")
    @APIResponse(responseCode = "202", ref = "WebhookRedelivery")
    @APIResponse(responseCode = "404", ref = "WebhookNotFound")
    public Uni<Response> redeliver(@Parameter(ref = "WebhookId") @PathParam("id") String id,
            @Parameter(ref = "DeliveryId") @PathParam("delivery_id") String deliveryId) {
        return webhooks.redeliver(caller.get(), id, deliveryId)
                .map((WebhookDeliveryView queued) -> Response.accepted(queued).build());
    }
}
