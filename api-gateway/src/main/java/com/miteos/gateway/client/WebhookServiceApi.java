package com.miteos.gateway.client;

import com.miteos.model.view.InternalHeaders;
import com.miteos.model.view.WebhookDeliveryPage;
import com.miteos.model.view.WebhookDeliveryView;
import com.miteos.model.view.WebhookEndpointList;
import com.miteos.model.view.WebhookEndpointView;
import com.miteos.model.view.WebhookRegistration;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** task-service's internal webhook API. Use it through {@link WebhookDirectory}. */
@Path("/internal/webhooks")
@RegisterRestClient(configKey = "task-service")
public interface WebhookServiceApi {

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    Uni<WebhookEndpointView> register(WebhookRegistration registration,
            @HeaderParam(InternalHeaders.ACCOUNT_ID) String accountId, @HeaderParam(InternalHeaders.MODE) String mode);

    @GET
    Uni<WebhookEndpointList> list(@HeaderParam(InternalHeaders.ACCOUNT_ID) String accountId,
            @HeaderParam(InternalHeaders.MODE) String mode);

    @DELETE
    @Path("/{id}")
    Uni<Void> delete(@PathParam("id") String id, @HeaderParam(InternalHeaders.ACCOUNT_ID) String accountId,
            @HeaderParam(InternalHeaders.MODE) String mode);

    @POST
    @Path("/{id}/rotate-secret")
    Uni<WebhookEndpointView> rotate(@PathParam("id") String id,
            @HeaderParam(InternalHeaders.ACCOUNT_ID) String accountId, @HeaderParam(InternalHeaders.MODE) String mode);

    @POST
    @Path("/{id}/enable")
    Uni<WebhookEndpointView> enable(@PathParam("id") String id,
            @HeaderParam(InternalHeaders.ACCOUNT_ID) String accountId, @HeaderParam(InternalHeaders.MODE) String mode);

    @GET
    @Path("/{id}/deliveries")
    Uni<WebhookDeliveryPage> deliveries(@PathParam("id") String id,
            @HeaderParam(InternalHeaders.ACCOUNT_ID) String accountId, @HeaderParam(InternalHeaders.MODE) String mode,
            @QueryParam("limit") int limit, @QueryParam("offset") int offset);

    @POST
    @Path("/{id}/deliveries/{delivery}/redeliver")
    Uni<WebhookDeliveryView> redeliver(@PathParam("id") String id, @PathParam("delivery") String delivery,
            @HeaderParam(InternalHeaders.ACCOUNT_ID) String accountId, @HeaderParam(InternalHeaders.MODE) String mode);
}
