package com.miteos.orchestrator.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.miteos.orchestrator.agent.StoredFile;
import com.miteos.orchestrator.agent.TaskRun;
import com.miteos.orchestrator.config.OrchestratorConfig;
import com.miteos.orchestrator.storage.FileStore;
import com.miteos.orchestrator.tool.web.FetchRefusal;
import com.miteos.orchestrator.tool.web.HostResolver;
import com.miteos.orchestrator.tool.web.SsrfGuard;
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

/**
 * Deploys to an {@code https://} webhook: POSTs a JSON manifest of the deliverables with signed
 * download URLs. The body is signed like Stripe's webhooks: header
 * {@code X-Miteos-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>}, so the
 * receiver can check origin and freshness. Targets inside our own network are refused by the
 * same {@link SsrfGuard} that protects {@code fetch_url}.
 */
@ApplicationScoped
public class WebhookDeploy {

    public static final String SIGNATURE_HEADER = "X-Miteos-Signature";

    private final FileStore store;
    private final ObjectMapper json;
    private final OrchestratorConfig.Deploy config;
    private final HttpClient http;
    private final SsrfGuard guard;

    @Inject
    public WebhookDeploy(FileStore store, ObjectMapper json, OrchestratorConfig config) {
        this(store, json, config.deploy(), new SsrfGuard(HostResolver.system()));
    }

    /** With a guard of the caller's choosing: tests answer DNS themselves. */
    WebhookDeploy(FileStore store, ObjectMapper json, OrchestratorConfig.Deploy config, SsrfGuard guard) {
        this.store = store;
        this.json = json;
        this.config = config;
        this.guard = guard;
        this.http = HttpClient.newBuilder().connectTimeout(config.timeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** Answers the webhook URL once it accepted the manifest. */
    public Uni<String> deploy(TaskRun run, URI target) {
        String secret = config.webhookSecret().filter(s -> !s.isBlank()).orElseThrow(() -> new DeployFailure(
                "webhook_not_configured", "This deployment has no webhook signing secret "
                        + "(MITEOS_DEPLOY_WEBHOOK_SECRET), so it does not send webhooks."));
        return checkReachable(target)
                .flatMap(vetted -> Uni.createFrom().completionStage(
                        () -> http.sendAsync(signedRequest(run, target, secret), HttpResponse.BodyHandlers.discarding())))
                .onFailure(e -> !(e instanceof DeployFailure)).transform(e -> new DeployFailure("deploy_failed",
                        "The webhook at " + target.getHost() + " could not be reached."))
                .map(response -> {
                    if (response.statusCode() / 100 != 2) {
                        throw new DeployFailure("deploy_rejected",
                                "The webhook answered HTTP " + response.statusCode() + ".");
                    }
                    return target.toString();
                });
    }

    private HttpRequest signedRequest(TaskRun run, URI target, String secret) {
        byte[] body = manifest(run);
        long timestamp = Instant.now().getEpochSecond();
        try {
            return HttpRequest.newBuilder(target)
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

    private byte[] manifest(TaskRun run) {
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
     * Refuses webhook hosts inside our own network (the same guard as {@code fetch_url}: every
     * resolved address, all numeric spellings), unless the operator allowed private targets.
     * Resolving blocks, so it runs on a worker thread.
     */
    private Uni<Void> checkReachable(URI target) {
        if (config.allowPrivateTargets()) {
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom().<Void>item(() -> {
                    try {
                        guard.vet(target.toString());
                        return null;
                    } catch (FetchRefusal refusal) {
                        throw new DeployFailure("deploy_target_refused", "The webhook target is refused: "
                                + refusal.getMessage());
                    }
                })
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }
}
