package com.miteos.deliverables.storage;

import com.miteos.deliverables.config.StorageConfig;
import io.minio.GetObjectArgs;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.MinioClient;
import io.minio.http.Method;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Reads deliverables from object storage and signs download URLs for them.
 *
 * <p>Two clients: one for the internal endpoint this service reads from, and one that only
 * signs, for the public endpoint clients download from. Signing is local computation; with
 * the region configured the MinIO SDK makes no network call for it. Built at start
 * ({@code @Startup}): a MinIO client loads the JDK's trust roots when it is built, which takes
 * seconds on a busy machine and must not happen on an event loop at the first request.
 */
@Startup
@ApplicationScoped
public class DeliverableStorage {

    private final StorageConfig config;
    private final MinioClient reader;
    private final MinioClient signer;

    public DeliverableStorage(StorageConfig config) {
        this.config = config;
        this.reader = client(config.endpoint());
        this.signer = client(config.publicEndpoint());
    }

    /** Opens an object for streaming; the caller closes the stream. Blocking. */
    public InputStream open(String objectKey) throws Exception {
        return reader.getObject(GetObjectArgs.builder().bucket(config.bucket()).object(objectKey).build());
    }

    /**
     * Opens {@code length} bytes of an object from {@code offset} (an S3 ranged GET), for
     * streaming; the caller closes the stream. Blocking.
     */
    public InputStream open(String objectKey, long offset, long length) throws Exception {
        return reader.getObject(GetObjectArgs.builder().bucket(config.bucket()).object(objectKey)
                .offset(offset).length(length).build());
    }

    /**
     * A URL that downloads exactly this object, as an attachment, without credentials, until it
     * expires. Any change to it breaks the signature.
     */
    public String signedDownloadUrl(String objectKey, String contentDisposition, String contentType) throws Exception {
        return signer.getPresignedObjectUrl(GetPresignedObjectUrlArgs.builder()
                .method(Method.GET)
                .bucket(config.bucket())
                .object(objectKey)
                .expiry((int) config.urlValidity().toSeconds(), TimeUnit.SECONDS)
                .extraQueryParams(Map.of(
                        "response-content-disposition", contentDisposition,
                        "response-content-type", contentType))
                .build());
    }

    private MinioClient client(String endpoint) {
        return MinioClient.builder()
                .endpoint(endpoint)
                .region(config.region())
                .credentials(config.accessKey(), config.secretKey())
                .build();
    }
}
