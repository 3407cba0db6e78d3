package com.miteos.orchestrator.deploy;

import com.miteos.orchestrator.agent.StoredFile;
import com.miteos.orchestrator.agent.TaskRun;
import com.miteos.orchestrator.storage.FileStore;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Deploys to {@code s3://bucket/prefix}: copies every deliverable into that bucket of the same
 * S3 service, and answers the public URL of the index: the task's own {@code index.html}, or
 * a generated listing of the files.
 */
@ApplicationScoped
public class S3Deploy {

    static final String INDEX = "index.html";

    private final FileStore store;

    public S3Deploy(FileStore store) {
        this.store = store;
    }

    /** Answers the URL of the deployed index. */
    public Uni<String> deploy(TaskRun run, URI target) {
        String bucket = target.getHost();
        String prefix = target.getPath() == null ? "" : target.getPath().replaceAll("^/+|/+$", "");
        String base = prefix.isEmpty() ? "" : prefix + "/";
        List<StoredFile> files = run.files();
        boolean hasIndex = files.stream().anyMatch(f -> f.name().equals(INDEX));
        Uni<Void> copies = Multi.createFrom().iterable(files)
                .onItem().transformToUniAndConcatenate(f -> store.copyTo(f.objectKey(), bucket, base + f.name(),
                        f.contentType()))
                .collect().last().replaceWithVoid();
        Uni<Void> index = hasIndex ? Uni.createFrom().voidItem()
                : store.putTo(bucket, base + INDEX, listing(run, files), "text/html");
        return copies.flatMap(done -> index)
                .onFailure().transform(e -> new DeployFailure("deploy_failed",
                        "Could not publish to " + target + ": " + rootMessage(e)))
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
