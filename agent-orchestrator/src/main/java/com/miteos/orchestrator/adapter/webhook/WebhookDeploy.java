package com.miteos.orchestrator.adapter.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.miteos.net.HostResolver;
import com.miteos.net.PinnedRequests;
import com.miteos.net.SsrfGuard;
import com.miteos.net.TargetRefusal;
import com.miteos.orchestrator.adapter.s3.FileStore;
import com.miteos.orchestrator.config.OrchestratorConfig;
import com.miteos.orchestrator.domain.files.StoredFile;
import com.miteos.orchestrator.port.deploy.DeployFailure;
import com.miteos.orchestrator.port.deploy.DeployTarget;
import com.miteos.orchestrator.port.deploy.Deliverables;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.CompletionStage;

/**
 * Deploys to an {@code https://} webhook: POSTs a JSON manifest of the deliverables with signed
 * download URLs. The body is signed like Stripe's webhooks: header
 * {@code X-Miteos-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>}, so the
 * receiver can check origin and freshness. Targets inside our own network are refused by the
 * same {@link SsrfGuard} that protects {@code fetch_url}, and the request goes out the same way
 * ({@link PinnedRequests}): a plain-http webhook is sent to the very address the guard vetted, so
 * a second DNS answer cannot redirect it (DNS rebinding); an https one goes to the name, with the
 * limits that class describes.
 */
@ApplicationScoped
public class WebhookDeploy implements DeployTarget {

    public static final String SIGNATURE_HEADER = "X-Miteos-Signature";

    private final FileStore store;
    private final ObjectMapper json;
    private final OrchestratorConfig.Deploy config;
    private final SsrfGuard guard;
    private final Transport transport;

    /** Sends one webhook request and answers its HTTP status; a seam so that tests see what would be sent. */
    @FunctionalInterface
    interface Transport {
        CompletionStage<Integer> send(HttpRequest request);
    }

    @Inject
    public WebhookDeploy(FileStore store, ObjectMapper json, OrchestratorConfig config) {
        this(store, json, config.deploy(), new SsrfGuard(HostResolver.system()));
    }

    /** With a guard of the caller's choosing: tests answer DNS themselves. */
    WebhookDeploy(FileStore store, ObjectMapper json, OrchestratorConfig.Deploy config, SsrfGuard guard) {
        this(store, json, config, guard, jdkClient(config));
    }

    /** With a transport of the caller's choosing too: tests watch requests instead of sending them. */
    WebhookDeploy(FileStore store, ObjectMapper json, OrchestratorConfig.Deploy config, SsrfGuard guard,
            Transport transport) {
        this.store = store;
        this.json = json;
        this.config = config;
        this.guard = guard;
        this.transport = transport;
    }

    private static Transport jdkClient(OrchestratorConfig.Deploy config) {
        HttpClient http = PinnedRequests.client(config.timeout());
        return request -> http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                .thenApply(HttpResponse::statusCode);
    }

    @Override
    public boolean accepts(String scheme) {
        return "https".equals(scheme) || "http".equals(scheme);
    }

    /** Answers the webhook URL once it accepted the manifest. */
    @Override
    public Uni<String> deploy(Deliverables run, URI target) {
        String secret = config.webhookSecret().filter(s -> !s.isBlank()).orElseThrow(() -> new DeployFailure(
                "webhook_not_configured", "This deployment has no webhook signing secret "
                        + "(MITEOS_DEPLOY_WEBHOOK_SECRET), so it does not send webhooks."));
        return destination(target)
                .flatMap(destination -> Uni.createFrom().completionStage(
                        () -> transport.send(signedRequest(run, destination, secret))))
                .onFailure(e -> !(e instanceof DeployFailure)).transform(e -> new DeployFailure("deploy_failed",
                        "The webhook at " + target.getHost() + " could not be reached."))
                .map(status -> {
                    if (status / 100 != 2) {
                        throw new DeployFailure("deploy_rejected", "The webhook answered HTTP " + status + ".");
                    }
                    return target.toString();
                });
    }

    private HttpRequest signedRequest(Deliverables run, HttpRequest.Builder destination, String secret) {
        byte[] body = manifest(run);
        long timestamp = Instant.now().getEpochSecond();
        try {
            return destination
                    .timeout(config.timeout())
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "Miteos-Deploy/0.1")
                    .header(SIGNATURE_HEADER, "t=" + timestamp + ",v1=" + sign(secret, timestamp, body))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build();
        } catch (IllegalArgumentException e) {
            throw new DeployFailure("deploy_target_invalid", "The webhook target is not a usable URL.");
        }
    }

    /** The HMAC a receiver recomputes to check a delivery. */
    public static String sign(String secret, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JVM has HmacSHA256", e);
        }
    }

    private byte[] manifest(Deliverables run) {
        ObjectNode manifest = json.createObjectNode();
        manifest.put("task_id", run.taskId());
        manifest.put("deployed_at", Instant.now().toString());
        ArrayNode files = manifest.putArray("files");
        for (StoredFile file : run.files()) {
            files.addObject()
                    .put("id", file.deliverableId())
                    .put("name", file.name())
                    .put("type", file.contentType())
                    .put("size_bytes", file.sizeBytes())
                    .put("download_url", store.signedUrl(file.objectKey(), file.name(), file.contentType(),
                            config.urlValidity()));
        }
        try {
            return json.writeValueAsBytes(manifest);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the manifest cannot be written", e);
        }
    }

    /**
     * Where the request goes. Webhook hosts inside our own network are refused (the same guard as
     * {@code fetch_url}: every resolved address, all numeric spellings), and the request is aimed
     * at what the guard vetted; unless the operator allowed private targets, when it goes to the
     * URL as given. Resolving blocks, so it runs on a worker thread.
     */
    private Uni<HttpRequest.Builder> destination(URI target) {
        if (config.allowPrivateTargets()) {
            return Uni.createFrom().item(() -> {
                try {
                    return HttpRequest.newBuilder(target);
                } catch (IllegalArgumentException e) {
                    throw new DeployFailure("deploy_target_invalid", "The webhook target is not a usable URL.");
                }
            });
        }
        return Uni.createFrom().item(() -> {
                    try {
                        return PinnedRequests.to(guard.vet(target.toString()));
                    } catch (TargetRefusal refusal) {
                        throw new DeployFailure("deploy_target_refused", "The webhook target is refused: "
                                + refusal.getMessage());
                    }
                })
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }
}
