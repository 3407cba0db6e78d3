package com.miteos.orchestrator.adapter.s3;

import com.miteos.orchestrator.adapter.vertx.OffEventLoop;
import com.miteos.orchestrator.config.OrchestratorConfig;
import io.minio.BucketExistsArgs;
import io.minio.CopyObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.CopySource;
import io.minio.Directive;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.http.Method;
import io.minio.GetObjectArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.smallrye.mutiny.Uni;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes and reads the files agents produce, in object storage. The MinIO SDK blocks, so every
 * call runs on a pool of its own, at most {@code MITEOS_S3_MAX_CONCURRENT_CALLS} at once, and the
 * agent loop only waits on a {@link Uni}. The pool bounds the threads file writes take however many
 * agents write at once: on Quarkus' worker pool they took up to its 200 threads, and each upload
 * one more (MinIO's {@code putObject} hands its part to {@code CompletableFuture.supplyAsync}, which
 * starts a thread per call where the JVM sees fewer than 3 CPUs). Built at start
 * ({@code @Startup}): building a MinIO client loads the JDK's trust roots, which takes seconds on
 * a busy machine and must not happen on an event loop at a task's first file.
 */
@Startup
@ApplicationScoped
public class FileStore {

    private final MinioClient client;
    private final MinioClient signer;
    private final String bucket;
    private final String publicEndpoint;
    private final ExecutorService calls;
    private volatile boolean bucketChecked;

    public FileStore(OrchestratorConfig config) {
        OrchestratorConfig.Storage s3 = config.s3();
        this.client = MinioClient.builder().endpoint(s3.endpoint()).region(s3.region())
                .credentials(s3.accessKey(), s3.secretKey()).build();
        // Signing is local computation; with the region set the SDK makes no call for it.
        this.signer = MinioClient.builder().endpoint(s3.publicEndpoint()).region(s3.region())
                .credentials(s3.accessKey(), s3.secretKey()).build();
        this.bucket = s3.bucket();
        this.publicEndpoint = s3.publicEndpoint().replaceAll("/+$", "");
        this.calls = callPool(s3.maxConcurrentCalls());
    }

    /** Up to {@code size} threads, each let go after a minute idle; calls beyond them queue. */
    private static ExecutorService callPool(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("MITEOS_S3_MAX_CONCURRENT_CALLS must be at least 1, not " + size);
        }
        AtomicInteger threads = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(size, size, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(),
                call -> {
                    Thread thread = new Thread(call, "s3-call-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** Calls already asked for still run (a step's file write ends before the JVM does); new ones are refused. */
    @PreDestroy
    void close() {
        calls.shutdown();
    }

    /** Copies a stored file into another bucket of the same service (a deploy). */
    public Uni<Void> copyTo(String key, String targetBucket, String targetKey, String contentType) {
        return blocking(() -> {
            if (!client.bucketExists(BucketExistsArgs.builder().bucket(targetBucket).build())) {
                throw new IllegalArgumentException("bucket " + targetBucket + " does not exist");
            }
            client.copyObject(CopyObjectArgs.builder().bucket(targetBucket).object(targetKey)
                    .source(CopySource.builder().bucket(bucket).object(key).build())
                    .headers(java.util.Map.of("Content-Type", contentType))
                    .metadataDirective(Directive.REPLACE)
                    .build());
            return null;
        });
    }

    /** Stores bytes in another bucket of the same service (a deploy's generated index). */
    public Uni<Void> putTo(String targetBucket, String targetKey, byte[] content, String contentType) {
        return blocking(() -> {
            client.putObject(PutObjectArgs.builder().bucket(targetBucket).object(targetKey)
                    .stream(new ByteArrayInputStream(content), content.length, -1)
                    .contentType(contentType).build());
            return null;
        });
    }

    /** Where an object of any bucket is seen by clients (for a public bucket). */
    public String publicUrl(String targetBucket, String key) {
        return publicEndpoint + "/" + targetBucket + "/" + key;
    }

    /**
     * A download URL for a stored file that works without credentials until it expires. It
     * downloads as an attachment, so an agent-written page never renders where it is opened.
     */
    public String signedUrl(String key, String name, String contentType, java.time.Duration validity) {
        try {
            return signer.getPresignedObjectUrl(GetPresignedObjectUrlArgs.builder().method(Method.GET)
                    .bucket(bucket).object(key).expiry((int) validity.toSeconds(), TimeUnit.SECONDS)
                    .extraQueryParams(java.util.Map.of(
                            "response-content-disposition", "attachment; filename=\"" + asciiName(name) + "\"",
                            "response-content-type", contentType))
                    .build());
        } catch (Exception e) {
            throw new IllegalStateException("cannot sign a URL for " + key, e);
        }
    }

    public Uni<Void> put(String key, byte[] content, String contentType) {
        return blocking(() -> {
            ensureBucket();
            client.putObject(PutObjectArgs.builder().bucket(bucket).object(key)
                    .stream(new ByteArrayInputStream(content), content.length, -1)
                    .contentType(contentType).build());
            return null;
        });
    }

    /** Up to {@code limit} bytes of an object. */
    public Uni<byte[]> read(String key, int limit) {
        return blocking(() -> {
            try (InputStream in = client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
                return in.readNBytes(limit);
            }
        });
    }

    /** A file name that is safe inside a quoted header parameter. */
    private static String asciiName(String name) {
        return name.replaceAll("[^\\x20-\\x7e]|[\"\\\\]", "_");
    }

    /** Makes sure the bucket exists (as the first write would), off the event loop: connects the client. */
    public Uni<Void> checkBucket() {
        return blocking(() -> {
            ensureBucket();
            return null;
        });
    }

    private void ensureBucket() throws Exception {
        if (!bucketChecked) {
            if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
                try {
                    client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
                } catch (ErrorResponseException e) {
                    // Another writer made it between our check and our call: that is what we wanted.
                    String code = e.errorResponse().code();
                    if (!"BucketAlreadyOwnedByYou".equals(code) && !"BucketAlreadyExists".equals(code)) {
                        throw e;
                    }
                }
            }
            bucketChecked = true;
        }
    }

    /** Runs {@code call} on the pool; its outcome comes back on the caller's Vert.x context ({@link OffEventLoop}). */
    private <T> Uni<T> blocking(OffEventLoop.Call<T> call) {
        return OffEventLoop.call(calls, call);
    }
}
