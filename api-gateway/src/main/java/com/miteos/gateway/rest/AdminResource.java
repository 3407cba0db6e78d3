package com.miteos.gateway.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.miteos.gateway.domain.ApiProblem;
import com.miteos.gateway.domain.ApiProblem.FieldError;
import com.miteos.gateway.mapping.ClientText;
import com.miteos.gateway.mapping.CostLimitsPatch;
import com.miteos.gateway.mapping.JsonBody;
import com.miteos.gateway.repository.AccountRepository;
import com.miteos.gateway.service.AccountService;
import com.miteos.model.task.Mode;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;

/** {@code /admin/v1}: accounts (with their budget limits) and API keys, for operators holding the admin secret. */
@Path("/admin/v1")
@Produces(MediaType.APPLICATION_JSON)
public class AdminResource {

    static final int MAX_NAME_LENGTH = 200;

    private final AccountService accounts;

    public AdminResource(AccountService accounts) {
        this.accounts = accounts;
    }

    /** An account; its budget limits are null when unset. */
    public record AccountResponse(@JsonProperty("id") String id, @JsonProperty("name") String name,
            @JsonProperty("created_at") Instant createdAt,
            @JsonProperty("default_max_cost") @JsonInclude(JsonInclude.Include.ALWAYS) BigDecimal defaultMaxCost,
            @JsonProperty("max_cost_ceiling") @JsonInclude(JsonInclude.Include.ALWAYS) BigDecimal maxCostCeiling) {

        static AccountResponse of(AccountRepository.AccountInfo a) {
            return new AccountResponse(a.id(), a.name(), a.createdAt(), a.costLimits().defaultMaxCost(),
                    a.costLimits().ceiling());
        }
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
                .entity(new AccountResponse(a.id(), a.name(), a.createdAt(), null, null)).build());
    }

    @GET
    @Path("/accounts/{id}")
    public Uni<AccountResponse> account(@PathParam("id") String accountId) {
        return accounts.account(accountId).map(AccountResponse::of);
    }

    /**
     * Sets or clears the account's budget limits: {@code default_max_cost} (the cap of a task without
     * {@code config.max_cost}) and {@code max_cost_ceiling} (the highest cap a task may have). A
     * number sets, null clears, an absent field stays.
     */
    @PATCH
    @Path("/accounts/{id}")
    public Uni<AccountResponse> changeAccount(@PathParam("id") String accountId, String body) {
        CostLimitsPatch patch = CostLimitsPatch.parse(JsonBody.object(body));
        return accounts.changeCostLimits(accountId, patch).map(AccountResponse::of);
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
