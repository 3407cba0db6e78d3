package com.miteos.deliverables.config;

import io.smallrye.config.ConfigMapping;

import java.time.Duration;

/** Object storage settings; defaults and environment variables are in application.properties. */
@ConfigMapping(prefix = "miteos.s3")
public interface StorageConfig {

    /** Where this service reads objects, e.g. {@code http://minio:9000}. */
    String endpoint();

    /** The S3 endpoint as clients reach it; signed download URLs point here. */
    String publicEndpoint();

    String accessKey();

    String secretKey();

    String region();

    String bucket();

    /** How long a signed download URL works after the listing that made it. */
    Duration urlValidity();
}
