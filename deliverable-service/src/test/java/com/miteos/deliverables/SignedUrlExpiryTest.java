package com.miteos.deliverables;

import com.miteos.deliverables.config.StorageConfig;
import com.miteos.model.event.DeliverableCreated;
import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.EventJson;
import com.miteos.model.id.IdPrefix;
import com.miteos.model.id.Ids;
import com.miteos.model.task.Mode;
import com.miteos.model.view.InternalHeaders;
import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A signed download URL works until its validity ends and not after: here the validity is two
 * seconds instead of an hour, against the same object storage.
 */
@QuarkusTest
@TestProfile(SignedUrlExpiryTest.ShortLivedUrls.class)
class SignedUrlExpiryTest {

    public static class ShortLivedUrls implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("miteos.s3.url-validity", "PT2S");
        }
    }

    @Inject
    @Any
    InMemoryConnector connector;

    @Inject
    StorageConfig storage;

    @Test
    void aSignedUrlStopsWorkingWhenItExpires() throws Exception {
        String account = Ids.newId(IdPrefix.ACCOUNT);
        String task = Ids.newId(IdPrefix.TASK);
        String id = Ids.newId(IdPrefix.DELIVERABLE);
        String key = account + "/test/" + task + "/" + id;
        byte[] bytes = "short-lived".getBytes(StandardCharsets.UTF_8);
        MinioClient s3 = MinioClient.builder().endpoint(storage.endpoint()).region(storage.region())
                .credentials(storage.accessKey(), storage.secretKey()).build();
        if (!s3.bucketExists(BucketExistsArgs.builder().bucket(storage.bucket()).build())) {
            s3.makeBucket(MakeBucketArgs.builder().bucket(storage.bucket()).build());
        }
        s3.putObject(PutObjectArgs.builder().bucket(storage.bucket()).object(key)
                .stream(new ByteArrayInputStream(bytes), bytes.length, -1).build());
        connector.source("task-deliverable").send(EventJson.toJson(EventEnvelope.of(task, account, Mode.TEST, 1,
                new DeliverableCreated(id, Ids.newId(IdPrefix.AGENT), "note.txt", "text/plain", bytes.length, key,
                        Instant.now().truncatedTo(ChronoUnit.SECONDS)))));

        await().atMost(Duration.ofSeconds(5)).until(() -> given().header(InternalHeaders.ACCOUNT_ID, account)
                .header(InternalHeaders.MODE, "test").get("/internal/tasks/{task}/deliverables", task)
                .then().extract().path("size()").equals(1));
        String url = given().header(InternalHeaders.ACCOUNT_ID, account).header(InternalHeaders.MODE, "test")
                .get("/internal/tasks/{task}/deliverables", task).then().extract().path("[0].download_url");
        HttpClient http = HttpClient.newHttpClient();

        HttpResponse<String> fresh = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(fresh.statusCode()).isEqualTo(200);
        assertThat(fresh.body()).isEqualTo("short-lived");

        Thread.sleep(3_000);
        assertThat(http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode()).isEqualTo(403);
    }
}
