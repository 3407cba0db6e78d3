package com.miteos.orchestrator.storage;

import com.miteos.orchestrator.config.OrchestratorConfig;
import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.ByteArrayInputStream;
import java.io.InputStream;

/**
 * Writes and reads the files agents produce, in object storage. The MinIO SDK blocks, so every
 * call runs on the worker pool and the agent loop only waits on a {@link Uni}.
 */
@ApplicationScoped
public class FileStore {

    private final MinioClient client;
    private final String bucket;
    private volatile boolean bucketChecked;

    public FileStore(OrchestratorConfig config) {
        OrchestratorConfig.Storage s3 = config.s3();
        this.client = MinioClient.builder().endpoint(s3.endpoint()).region(s3.region())
                .credentials(s3.accessKey(), s3.secretKey()).build();
        this.bucket = s3.bucket();
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

    private void ensureBucket() throws Exception {
        if (!bucketChecked) {
            if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
                client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
            }
            bucketChecked = true;
        }
    }

    private static <T> Uni<T> blocking(BlockingCall<T> call) {
        return Uni.createFrom().<T>emitter(emitter -> {
            try {
                emitter.complete(call.run());
            } catch (Exception e) {
                emitter.fail(e);
            }
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    @FunctionalInterface
    private interface BlockingCall<T> {
        T run() throws Exception;
    }
}
