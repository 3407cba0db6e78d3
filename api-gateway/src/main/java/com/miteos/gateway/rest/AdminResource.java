package com.miteos.gateway.rest;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.miteos.gateway.domain.ApiProblem;
import com.miteos.gateway.domain.ApiProblem.FieldError;
import com.miteos.gateway.mapping.ClientText;
import com.miteos.gateway.mapping.JsonBody;
import com.miteos.gateway.service.AccountService;
import com.miteos.model.task.Mode;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.time.Instant;
import java.util.Iterator;
import java.util.List;

/** {@code /admin/v1}: accounts and API keys, for operators holding the admin secret. */
@Path("/admin/v1")
@Produces(MediaType.APPLICATION_JSON)
public class AdminResource {

    static final int MAX_NAME_LENGTH = 200;

    private final AccountService accounts;

    public AdminResource(AccountService accounts) {
        this.accounts = accounts;
    }

    public record AccountResponse(@JsonProperty("id") String id, @JsonProperty("name") String name,
            @JsonProperty("created_at") Instant createdAt) {
    }

    public record KeyResponse(@JsonProperty("id") String id, @JsonProperty("account_id") String accountId,
            @JsonProperty("mode") Mode mode, @JsonProperty("token") String token,
            @JsonProperty("prefix") String prefix, @JsonProperty("created_at") Instant createdAt) {
    }

    @POST
    @Path("/accounts")
    public Uni<Response> createAccount(String body) {
        JsonNode json = JsonBody.object(body);
        onlyField(json, "name");
        JsonNode name = json.get("name");
        if (name == null || !name.isTextual() || name.textValue().isBlank()
                || name.textValue().length() > MAX_NAME_LENGTH || !ClientText.isStorable(name.textValue())) {
            throw ApiProblem.validation(List.of(new FieldError("name",
                    "is required: a string of 1 to " + MAX_NAME_LENGTH + " characters, without NUL (U+0000)")));
        }
        return accounts.createAccount(name.textValue().strip()).map(a -> Response.status(Response.Status.CREATED)
                .entity(new AccountResponse(a.id(), a.name(), a.createdAt())).build());
    }

    @POST
    @Path("/accounts/{id}/keys")
    public Uni<Response> createKey(@PathParam("id") String accountId, String body) {
        JsonNode json = JsonBody.object(body);
        onlyField(json, "mode");
        JsonNode mode = json.get("mode");
        if (mode == null || !mode.isTextual()
                || !("live".equals(mode.textValue()) || "test".equals(mode.textValue()))) {
            throw ApiProblem.validation(List.of(new FieldError("mode", "must be \"live\" or \"test\"")));
        }
        return accounts.createKey(accountId, Mode.of(mode.textValue()))
                .map(k -> Response.status(Response.Status.CREATED)
                        .entity(new KeyResponse(k.id(), k.accountId(), k.mode(), k.token(), k.prefix(),
                                k.createdAt()))
                        .build());
    }

    /** A key as listed: no token, only its identifying prefix, and when it was created and last used. */
    public record KeyListing(@JsonProperty("id") String id, @JsonProperty("mode") Mode mode,
            @JsonProperty("prefix") String prefix, @JsonProperty("created_at") Instant createdAt,
            @JsonProperty("last_used_at") Instant lastUsedAt, @JsonProperty("revoked_at") Instant revokedAt) {
    }

    @GET
    @Path("/accounts/{id}/keys")
    public Uni<List<KeyListing>> listKeys(@PathParam("id") String accountId) {
        return accounts.keys(accountId).map(keys -> keys.stream().map(k -> new KeyListing(k.id(), k.mode(),
                k.prefix(), k.createdAt(), k.lastUsedAt(), k.revokedAt())).toList());
    }

    @DELETE
    @Path("/keys/{id}")
    public Uni<Response> revokeKey(@PathParam("id") String keyId) {
        return accounts.revokeKey(keyId).replaceWith(Response.noContent().build());
    }

    private static void onlyField(JsonNode json, String allowed) {
        for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals(allowed)) {
                throw ApiProblem.validation(List.of(new FieldError(ClientText.echoable(name), "is not a known field")));
            }
        }
    }
}
