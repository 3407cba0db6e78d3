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
import io.restassured.specification.RequestSpecification;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
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

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

/**
 * Projects deliverable events and serves them back: listing with signed URLs, locating a file for
 * the gateway's download (a presigned read of the object storage that the local stack runs,
 * S3Proxy, see deploy/), and streaming its content (the previous gateway's path).
 */
@QuarkusTest
class DeliverableApiTest {

    /** Generous: other builds share the machine; a passing wait returns as soon as it holds. */
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    @Any
    InMemoryConnector connector;

    @Inject
    StorageConfig storage;

    private String account;
    private String task;

    @BeforeEach
    void setUp() {
        account = Ids.newId(IdPrefix.ACCOUNT);
        task = Ids.newId(IdPrefix.TASK);
    }

    @Test
    void deliverableIsListedOnceWithASignedAttachmentUrl() {
        EventEnvelope<DeliverableCreated> event = deliverable("report.md", "text/markdown", 42);
        // Redelivered with the same event id, and published again under a new one (same deliverable id).
        send(event);
        send(event);
        send(EventEnvelope.of(task, account, Mode.TEST, event.sequence(), event.payload()));
        // The channel consumes in order: once a later event for another task is listed, all three were.
        String otherTask = Ids.newId(IdPrefix.TASK);
        send(EventEnvelope.of(otherTask, account, Mode.TEST, 1, new DeliverableCreated(Ids.newId(IdPrefix.DELIVERABLE),
                Ids.newId(IdPrefix.AGENT), "marker.txt", "text/plain", 1, account + "/test/" + otherTask + "/marker",
                Instant.now().truncatedTo(ChronoUnit.SECONDS))));
        await().atMost(WAIT).untilAsserted(() -> owner(Mode.TEST)
                .get("/internal/tasks/{task}/deliverables", otherTask).then().statusCode(200).body("$", hasSize(1)));

        owner(Mode.TEST).get("/internal/tasks/{task}/deliverables", task)
                .then().statusCode(200)
                .body("$", hasSize(1))
                .body("[0].id", equalTo(event.payload().deliverableId()))
                .body("[0].name", equalTo("report.md"))
                .body("[0].type", equalTo("text/markdown"))
                .body("[0].size_bytes", equalTo(42))
                .body("[0].download_url", containsString("X-Amz-Expires=3600"))
                .body("[0].download_url", containsString("X-Amz-Signature="))
                .body("[0].download_url", containsString("response-content-disposition=attachment"));

        owner(Mode.LIVE).get("/internal/tasks/{task}/deliverables", task)
                .then().statusCode(200).body("$", hasSize(0));
    }

    @Test
    void contentIsStreamedWithLengthTypeAndAttachmentName() throws Exception {
        byte[] bytes = "name,stars\nqdrant,1\n".getBytes(StandardCharsets.UTF_8);
        EventEnvelope<DeliverableCreated> event = deliverable("benchmark data.csv", "text/csv", bytes.length);
        MinioClient s3 = MinioClient.builder().endpoint(storage.endpoint()).region(storage.region())
                .credentials(storage.accessKey(), storage.secretKey()).build();
        if (!s3.bucketExists(BucketExistsArgs.builder().bucket(storage.bucket()).build())) {
            s3.makeBucket(MakeBucketArgs.builder().bucket(storage.bucket()).build());
        }
        s3.putObject(PutObjectArgs.builder().bucket(storage.bucket()).object(event.payload().objectKey())
                .stream(new ByteArrayInputStream(bytes), bytes.length, -1).contentType("text/csv").build());
        send(event);

        String fileId = event.payload().deliverableId();
        await().atMost(WAIT).untilAsserted(() -> owner(Mode.TEST)
                .get("/internal/tasks/{task}/deliverables/{file}/content", task, fileId)
                .then().statusCode(200));
        byte[] body = owner(Mode.TEST).get("/internal/tasks/{task}/deliverables/{file}/content", task, fileId)
                .then().statusCode(200)
                .header("Content-Type", containsString("text/csv"))
                .header("Content-Length", String.valueOf(bytes.length))
                .header("Content-Disposition", equalTo(
                        "attachment; filename=\"benchmark data.csv\"; filename*=UTF-8''benchmark%20data.csv"))
                .header("X-Content-Type-Options", "nosniff")
                .header("Content-Security-Policy", "default-src 'none'; sandbox")
                .extract().asByteArray();
        assertThat(body).isEqualTo(bytes);

        owner(Mode.LIVE).get("/internal/tasks/{task}/deliverables/{file}/content", task, fileId)
                .then().statusCode(404);
        given().get("/internal/tasks/{task}/deliverables/{file}/content", task, fileId).then().statusCode(400);
    }

    @Test
    void rangesAreServedFromStorageAs206And416() throws Exception {
        byte[] bytes = "0123456789abcdefghij".getBytes(StandardCharsets.US_ASCII);
        String fileId = stored(deliverable("digits.txt", "text/plain", bytes.length), bytes);
        String path = "/internal/tasks/{task}/deliverables/{file}/content";

        owner(Mode.TEST).get(path, task, fileId).then().statusCode(200)
                .header("Accept-Ranges", "bytes")
                .header("Content-Range", org.hamcrest.Matchers.nullValue());
        assertRange(fileId, "bytes=2-5", "bytes 2-5/20", "2345");
        assertRange(fileId, "bytes=15-", "bytes 15-19/20", "fghij");
        assertRange(fileId, "bytes=-3", "bytes 17-19/20", "hij");
        assertRange(fileId, "bytes=18-1000", "bytes 18-19/20", "ij");

        owner(Mode.TEST).header("Range", "bytes=20-").get(path, task, fileId).then().statusCode(416)
                .header("Content-Range", "bytes */20");
        // Several ranges, malformed ones and If-Range (no validator can match): the whole file.
        for (String range : new String[] {"bytes=0-1,5-6", "bytes=5-2", "chars=0-3"}) {
            byte[] body = owner(Mode.TEST).header("Range", range).get(path, task, fileId).then().statusCode(200)
                    .header("Content-Length", "20").extract().asByteArray();
            assertThat(body).as(range).isEqualTo(bytes);
        }
        owner(Mode.TEST).header("Range", "bytes=2-5").header("If-Range", "\"x\"").get(path, task, fileId)
                .then().statusCode(200).header("Content-Length", "20");
        // Someone else's file is not found, range or not.
        owner(Mode.LIVE).header("Range", "bytes=2-5").get(path, task, fileId).then().statusCode(404);
    }

    @Test
    void aFileIsLocatedForItsOwnerOnlyWithAShortPresignedInternalRead() throws Exception {
        byte[] bytes = "0123456789abcdefghij".getBytes(StandardCharsets.US_ASCII);
        String fileId = stored(deliverable("digits ä.txt", "text/plain", bytes.length), bytes);
        String path = "/internal/tasks/{task}/deliverables/{file}/location";

        String readUrl = owner(Mode.TEST).get(path, task, fileId)
                .then().statusCode(200)
                .body("id", equalTo(fileId))
                .body("name", equalTo("digits ä.txt"))
                .body("type", equalTo("text/plain"))
                .body("size_bytes", equalTo(bytes.length))
                .body("content_disposition", equalTo(
                        "attachment; filename=\"digits _.txt\"; filename*=UTF-8''digits%20%C3%A4.txt"))
                .extract().path("read_url");
        assertThat(readUrl).as("the internal endpoint, a minute")
                .startsWith(storage.endpoint() + "/" + storage.bucket() + "/")
                .contains("X-Amz-Expires=60")
                .contains("X-Amz-Signature=");
        // The read works without credentials, whole or for a range (the Range header is not signed).
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<byte[]> whole = http.send(HttpRequest.newBuilder(URI.create(readUrl)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.body()).isEqualTo(bytes);
        HttpResponse<String> part = http.send(HttpRequest.newBuilder(URI.create(readUrl)).header("Range", "bytes=2-5")
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.body()).isEqualTo("2345");

        // Nobody else's: the owner's other mode, another account, the file under another task.
        owner(Mode.LIVE).get(path, task, fileId).then().statusCode(404);
        given().header(InternalHeaders.ACCOUNT_ID, Ids.newId(IdPrefix.ACCOUNT))
                .header(InternalHeaders.MODE, Mode.TEST.value())
                .get(path, task, fileId).then().statusCode(404);
        owner(Mode.TEST).get(path, Ids.newId(IdPrefix.TASK), fileId).then().statusCode(404);
        owner(Mode.TEST).get(path, task, Ids.newId(IdPrefix.DELIVERABLE)).then().statusCode(404);
        given().get(path, task, fileId).then().statusCode(400);
    }

    private void assertRange(String fileId, String range, String contentRange, String expected) {
        String body = owner(Mode.TEST).header("Range", range)
                .get("/internal/tasks/{task}/deliverables/{file}/content", task, fileId)
                .then().statusCode(206)
                .header("Content-Range", contentRange)
                .header("Content-Length", String.valueOf(expected.length()))
                .header("Accept-Ranges", "bytes")
                .header("Content-Disposition", containsString("digits.txt"))
                .extract().asString();
        assertThat(body).as(range).isEqualTo(expected);
    }

    /** Puts the bytes in storage, projects the event, and waits until the file can be read; its id. */
    private String stored(EventEnvelope<DeliverableCreated> event, byte[] bytes) throws Exception {
        MinioClient s3 = MinioClient.builder().endpoint(storage.endpoint()).region(storage.region())
                .credentials(storage.accessKey(), storage.secretKey()).build();
        if (!s3.bucketExists(BucketExistsArgs.builder().bucket(storage.bucket()).build())) {
            s3.makeBucket(MakeBucketArgs.builder().bucket(storage.bucket()).build());
        }
        s3.putObject(PutObjectArgs.builder().bucket(storage.bucket()).object(event.payload().objectKey())
                .stream(new ByteArrayInputStream(bytes), bytes.length, -1).build());
        send(event);
        String fileId = event.payload().deliverableId();
        await().atMost(WAIT).untilAsserted(() -> owner(Mode.TEST)
                .get("/internal/tasks/{task}/deliverables/{file}/content", task, fileId)
                .then().statusCode(200));
        return fileId;
    }

    private void send(EventEnvelope<DeliverableCreated> event) {
        connector.source("task-deliverable").send(EventJson.toJson(event));
    }

    private RequestSpecification owner(Mode mode) {
        return given().header(InternalHeaders.ACCOUNT_ID, account).header(InternalHeaders.MODE, mode.value());
    }

    private EventEnvelope<DeliverableCreated> deliverable(String name, String type, long size) {
        String id = Ids.newId(IdPrefix.DELIVERABLE);
        return EventEnvelope.of(task, account, Mode.TEST, 3, new DeliverableCreated(id, Ids.newId(IdPrefix.AGENT),
                name, type, size, account + "/test/" + task + "/" + id, Instant.now().truncatedTo(ChronoUnit.SECONDS)));
    }
}
