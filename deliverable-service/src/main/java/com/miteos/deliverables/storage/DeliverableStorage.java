package com.miteos.deliverables.storage;

import com.miteos.deliverables.config.StorageConfig;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.MinioClient;
import io.minio.http.Method;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Signs URLs for deliverables in object storage: reads for this service, downloads for clients.
 *
 * <p>Two clients, both only signing: one for the internal endpoint this service reads from, and
 * one for the public endpoint clients download from. Signing is local computation; with
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

    /**
     * A presigned GET of the object on the internal endpoint, valid for a minute, for this
     * service's own streaming reads ({@code DeliverableContentRoute}); a {@code Range} header may
     * be added to it. Signing is local computation.
     */
    public String internalReadUrl(String objectKey) throws Exception {
        return reader.getPresignedObjectUrl(GetPresignedObjectUrlArgs.builder()
                .method(Method.GET)
                .bucket(config.bucket())
                .object(objectKey)
                .expiry(60, TimeUnit.SECONDS)
                .build());
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
