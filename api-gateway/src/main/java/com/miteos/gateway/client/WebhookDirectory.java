package com.miteos.gateway.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.miteos.gateway.domain.ApiProblem;
import com.miteos.gateway.domain.ApiProblem.FieldError;
import com.miteos.gateway.domain.Caller;
import com.miteos.model.view.WebhookDeliveryPage;
import com.miteos.model.view.WebhookDeliveryView;
import com.miteos.model.view.WebhookEndpointList;
import com.miteos.model.view.WebhookEndpointView;
import com.miteos.model.view.WebhookRegistration;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The caller's webhook endpoints, kept by task-service, always asked on behalf of one caller.
 * task-service's answers become problems: 400 a validation error naming the fields, 404 not
 * found (also another account's or mode's ids), 409 the per-account limit; an unreachable
 * task-service is a 503, never a false "not found".
 */
@ApplicationScoped
public class WebhookDirectory {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final WebhookServiceApi webhooks;

    public WebhookDirectory(@RestClient WebhookServiceApi webhooks) {
        this.webhooks = webhooks;
    }

    public Uni<WebhookEndpointView> register(Caller caller, String url, List<String> events) {
        return answer(webhooks.register(new WebhookRegistration(url, events), caller.accountId(), mode(caller)), null);
    }

    public Uni<WebhookEndpointList> list(Caller caller) {
        return answer(webhooks.list(caller.accountId(), mode(caller)), null);
    }

    public Uni<Void> delete(Caller caller, String id) {
        return answer(webhooks.delete(id, caller.accountId(), mode(caller)), "Webhook " + id);
    }

    public Uni<WebhookEndpointView> rotate(Caller caller, String id) {
        return answer(webhooks.rotate(id, caller.accountId(), mode(caller)), "Webhook " + id);
    }

    public Uni<WebhookEndpointView> enable(Caller caller, String id) {
        return answer(webhooks.enable(id, caller.accountId(), mode(caller)), "Webhook " + id);
    }

    public Uni<WebhookDeliveryPage> deliveries(Caller caller, String id, int limit, int offset) {
        return answer(webhooks.deliveries(id, caller.accountId(), mode(caller), limit, offset), "Webhook " + id);
    }

    public Uni<WebhookDeliveryView> redeliver(Caller caller, String id, String delivery) {
        return answer(webhooks.redeliver(id, delivery, caller.accountId(), mode(caller)),
                "Delivery " + delivery + " of webhook " + id);
    }

    private static String mode(Caller caller) {
        return caller.mode().value();
    }

    private static <T> Uni<T> answer(Uni<T> call, String what) {
        return call.onFailure().transform(failure -> problem(failure, what));
    }

    private static Throwable problem(Throwable failure, String what) {
        if (failure instanceof ApiProblem) {
            return failure;
        }
        if (failure instanceof WebApplicationException w) {
            int status = w.getResponse().getStatus();
            if (status == 404 && what != null) {
                return ApiProblem.notFound(what);
            }
            if (status == 400) {
                return ApiProblem.validation(fieldErrors(w));
            }
            if (status == 409) {
                return new ApiProblem(409, "webhook-limit", "Too many webhooks", message(w));
            }
        }
        Log.warnf("task-service failed: %s", failure.toString());
        return ApiProblem.unavailable("The platform is briefly unable to answer this; please retry.");
    }

    private static List<FieldError> fieldErrors(WebApplicationException w) {
        List<FieldError> errors = new ArrayList<>();
        try {
            JsonNode body = JSON.readTree(body(w));
            body.path("errors").fields().forEachRemaining((Map.Entry<String, JsonNode> e) ->
                    errors.add(new FieldError(e.getKey(), e.getValue().asText())));
        } catch (Exception unreadable) {
            // fall through to the generic message
        }
        return errors.isEmpty() ? List.of(new FieldError("body", "is invalid")) : errors;
    }

    /** The body of task-service's answer (read from the wire; a response built in a test carries it as is). */
    private static String body(WebApplicationException w) {
        if (w.getResponse().getEntity() instanceof String text) {
            return text;
        }
        return w.getResponse().readEntity(String.class);
    }

    private static String message(WebApplicationException w) {
        try {
            return JSON.readTree(body(w)).path("message").asText();
        } catch (Exception unreadable) {
            return "This account has as many webhooks as allowed.";
        }
    }
}
