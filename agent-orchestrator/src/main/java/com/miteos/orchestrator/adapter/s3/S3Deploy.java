package com.miteos.orchestrator.adapter.s3;

import com.miteos.orchestrator.application.deploy.DeployFailure;
import com.miteos.orchestrator.config.OrchestratorConfig;
import com.miteos.orchestrator.domain.files.StoredFile;
import com.miteos.orchestrator.domain.run.TaskRun;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Deploys to {@code s3://bucket/prefix}: copies every deliverable into that bucket of the same
 * S3 service, and answers the public URL of the index: the task's own {@code index.html}, or
 * a generated listing of the files.
 */
@ApplicationScoped
public class S3Deploy {

    static final String INDEX = "index.html";

    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9._/-]{0,512}");

    private final FileStore store;
    private final Set<String> allowedBuckets;

    public S3Deploy(FileStore store, OrchestratorConfig config) {
        this.store = store;
        this.allowedBuckets = config.deploy().s3Buckets().orElse(List.of()).stream()
                .map(String::strip).filter(b -> !b.isEmpty() && !b.equals(config.s3().bucket()))
                .collect(Collectors.toUnmodifiableSet());
    }

    /**
     * Answers the URL of the deployed index. Only buckets the operator listed are written, and
     * always under the task owner's own {@code <account>/<mode>/} folder.
     */
    public Uni<String> deploy(TaskRun run, URI target) {
        String bucket = target.getHost();
        if (bucket == null || !allowedBuckets.contains(bucket)) {
            return Uni.createFrom().failure(new DeployFailure("deploy_target_refused",
                    "This deployment does not publish to bucket " + bucket + " (see MITEOS_DEPLOY_S3_BUCKETS)."));
        }
        String prefix = target.getPath() == null ? "" : target.getPath().replaceAll("^/+|/+$", "");
        if (!PREFIX.matcher(prefix).matches() || List.of(prefix.split("/")).contains("..")) {
            return Uni.createFrom().failure(new DeployFailure("deploy_target_invalid",
                    "A deploy prefix may hold letters, digits and . _ - / only, and no '..'."));
        }
        String base = run.accountId() + "/" + run.mode().value() + "/" + (prefix.isEmpty() ? "" : prefix + "/");
        List<StoredFile> files = run.files().list();
        boolean hasIndex = files.stream().anyMatch(f -> f.name().equals(INDEX));
        Uni<Void> copies = Multi.createFrom().iterable(files)
                .onItem().transformToUniAndConcatenate(f -> store.copyTo(f.objectKey(), bucket, base + f.name(),
                        f.contentType()))
                .collect().last().replaceWithVoid();
        Uni<Void> index = hasIndex ? Uni.createFrom().voidItem()
                : store.putTo(bucket, base + INDEX, listing(run, files), "text/html");
        return copies.flatMap(done -> index)
                .onFailure().transform(e -> {
                    Log.warnf("task %s: deploy to %s failed: %s", run.taskId(), target, rootMessage(e));
                    return new DeployFailure("deploy_failed", "Could not publish to " + target + ".");
                })
                .map(done -> store.publicUrl(bucket, base + INDEX));
    }

    private static byte[] listing(TaskRun run, List<StoredFile> files) {
        StringBuilder html = new StringBuilder("<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>")
                .append(escape(run.taskId())).append("</title></head><body>\n<h1>Deliverables of ")
                .append(escape(run.taskId())).append("</h1>\n<ul>\n");
        files.forEach(f -> html.append("<li><a href=\"").append(escape(encode(f.name()))).append("\">")
                .append(escape(f.name())).append("</a> (").append(f.sizeBytes()).append(" bytes)</li>\n"));
        return html.append("</ul>\n</body></html>\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String encode(String name) {
        return java.net.URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
