package com.miteos.tasks.rest;

import com.miteos.model.view.InternalHeaders;
import com.miteos.model.view.WebhookDeliveryPage;
import com.miteos.model.view.WebhookDeliveryView;
import com.miteos.model.view.WebhookEndpointList;
import com.miteos.model.view.WebhookEndpointView;
import com.miteos.model.view.WebhookRegistration;
import com.miteos.tasks.repository.Owner;
import com.miteos.tasks.repository.WebhookDeliveries;
import com.miteos.tasks.repository.WebhookEndpoints;
import com.miteos.tasks.service.WebhookRegistrations;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.Map;

/**
 * The internal webhook API behind the gateway's {@code /v1/webhooks}. Every request names its owner
 * in {@link InternalHeaders}; an endpoint or delivery of anybody else is not found. An invalid
 * registration answers 400 with {@code {"errors": {field: message}}}; one over the cap 409.
 */
@Path("/internal/webhooks")
@Produces(MediaType.APPLICATION_JSON)
public class InternalWebhookResource {

    private final WebhookRegistrations registrations;
    private final WebhookEndpoints endpoints;
    private final WebhookDeliveries deliveries;

    public InternalWebhookResource(WebhookRegistrations registrations, WebhookEndpoints endpoints,
            WebhookDeliveries deliveries) {
        this.registrations = registrations;
        this.endpoints = endpoints;
        this.deliveries = deliveries;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> register(WebhookRegistration request,
            @HeaderParam(InternalHeaders.ACCOUNT_ID) String accountId, @HeaderParam(InternalHeaders.MODE) String mode) {
        Owner owner = InternalTaskResource.owner(accountId, mode);
        if (request == null) {
            throw new BadRequestException("a JSON object with url and events");
        }
        return registrations.register(owner, request.url(), request.events())
                .map(created -> Response.status(Response.Status.CREATED).entity(created).build());
    }

    @GET
    public Uni<WebhookEndpointList> list(@HeaderParam(InternalHeaders.ACCOUNT_ID) String accountId,
            @HeaderParam(InternalHeaders.MODE) String mode) {
        return endpoints.list(InternalTaskResource.owner(accountId, mode)).map(WebhookEndpointList::new);
    }

    @DELETE
    @Path("/{id}")
    public Uni<Response> delete(@PathParam("id") String id, @HeaderParam(InternalHeaders.ACCOUNT_ID) String accountId,
            @HeaderParam(InternalHeaders.MODE) String mode) {
        return endpoints.delete(InternalTaskResource.owner(accountId, mode), id).map(deleted -> {
            if (!deleted) {
                throw new NotFoundException();
            }
            return Response.noContent().build();
        });
    }

    @POST
    @Path("/{id}/rotate-secret")
    public Uni<WebhookEndpointView> rotate(@PathParam("id") String id,
            @HeaderParam(InternalHeaders.ACCOUNT_ID) String accountId, @HeaderParam(InternalHeaders.MODE) String mode) {
        return registrations.rotate(InternalTaskResource.owner(accountId, mode), id)
                .onItem().ifNull().failWith(NotFoundException::new);
    }

    @POST
    @Path("/{id}/enable")
    public Uni<WebhookEndpointView> enable(@PathParam("id") String id,
            @HeaderParam(InternalHeaders.ACCOUNT_ID) String accountId, @HeaderParam(InternalHeaders.MODE) String mode) {
        return endpoints.enable(InternalTaskResource.owner(accountId, mode), id)
                .onItem().ifNull().failWith(NotFoundException::new);
    }

    @GET
    @Path("/{id}/deliveries")
    public Uni<WebhookDeliveryPage> deliveries(@PathParam("id") String id,
            @HeaderParam(InternalHeaders.ACCOUNT_ID) String accountId, @HeaderParam(InternalHeaders.MODE) String mode,
            @QueryParam("limit") @DefaultValue("20") int limit, @QueryParam("offset") @DefaultValue("0") int offset) {
        Owner owner = InternalTaskResource.owner(accountId, mode);
        if (limit < 1 || limit > 100 || offset < 0) {
            throw new BadRequestException("limit must be 1-100 and offset >= 0");
        }
        return endpoints.find(owner, id).onItem().ifNull().failWith(NotFoundException::new)
                .flatMap(endpoint -> deliveries.list(endpoint.id(), limit, offset));
    }

    @POST
    @Path("/{id}/deliveries/{delivery}/redeliver")
    public Uni<Response> redeliver(@PathParam("id") String id, @PathParam("delivery") String delivery,
            @HeaderParam(InternalHeaders.ACCOUNT_ID) String accountId, @HeaderParam(InternalHeaders.MODE) String mode) {
        return deliveries.redeliver(InternalTaskResource.owner(accountId, mode), id, delivery)
                .onItem().ifNull().failWith(NotFoundException::new)
                .map(queued -> Response.accepted(queued).build());
    }

    @ServerExceptionMapper
    public Response invalid(WebhookRegistrations.Invalid invalid) {
        return Response.status(Response.Status.BAD_REQUEST).type(MediaType.APPLICATION_JSON)
                .entity(Map.of("errors", invalid.errors())).build();
    }

    @ServerExceptionMapper
    public Response limitReached(WebhookRegistrations.LimitReached limit) {
        return Response.status(Response.Status.CONFLICT).type(MediaType.APPLICATION_JSON)
                .entity(Map.of("message", limit.getMessage())).build();
    }
}
