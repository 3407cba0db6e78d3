package com.miteos.deliverables;

import com.miteos.deliverables.config.StorageConfig;
import com.miteos.deliverables.storage.DeliverableStorage;
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
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A signed download URL carries the configured validity under its signature, works while it is
 * valid and is refused once that validity has passed.
 *
 * <p>No step depends on how fast the machine is. The URL that must work is the one the service
 * lists, valid for the configured hour. Expiry is observed on a URL signed by the same
 * {@link DeliverableStorage} code with a one-second validity, and the wait for it is a condition on
 * the URL's own {@code X-Amz-Date} (whole seconds) plus its validity, not a fixed sleep.
 */
@QuarkusTest
class SignedUrlExpiryTest {

    /** Generous: other builds share the machine; a passing wait returns as soon as it holds. */
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);
    private static final byte[] CONTENT = "signed content".getBytes(StandardCharsets.UTF_8);

    @Inject
    @Any
    InMemoryConnector connector;

    @Inject
    StorageConfig storage;

    private final HttpClient http = HttpClient.newHttpClient();
    private String key;

    @BeforeEach
    void storeAnObject() throws Exception {
        key = Ids.newId(IdPrefix.ACCOUNT) + "/test/" + Ids.newId(IdPrefix.TASK) + "/" + Ids.newId(IdPrefix.DELIVERABLE);
        MinioClient s3 = MinioClient.builder().endpoint(storage.endpoint()).region(storage.region())
                .credentials(storage.accessKey(), storage.secretKey()).build();
        if (!s3.bucketExists(BucketExistsArgs.builder().bucket(storage.bucket()).build())) {
            s3.makeBucket(MakeBucketArgs.builder().bucket(storage.bucket()).build());
        }
        s3.putObject(PutObjectArgs.builder().bucket(storage.bucket()).object(key)
                .stream(new ByteArrayInputStream(CONTENT), CONTENT.length, -1).build());
    }

    @Test
    void theListedUrlCarriesTheConfiguredValidityAndDownloadsTheFile() throws Exception {
        String url = listedUrl();

        assertThat(query(url)).containsEntry("X-Amz-Expires", String.valueOf(storage.urlValidity().toSeconds()));
        HttpResponse<String> response = get(url);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("signed content");
        assertThat(response.headers().firstValue("Content-Disposition")).hasValueSatisfying(disposition ->
                assertThat(disposition).startsWith("attachment; filename=\"note.txt\""));
    }

    @Test
    void aUrlWithItsValidityOrDispositionChangedIsRefused() throws Exception {
        String url = listedUrl();
        String expires = "X-Amz-Expires=" + storage.urlValidity().toSeconds();
        assertThat(url).contains(expires);

        // Both are under the signature: a client can neither extend the URL nor have the file
        // rendered inline instead of downloaded.
        HttpResponse<String> extended = get(url.replace(expires, "X-Amz-Expires=604800"));
        HttpResponse<String> inline = get(url.replace("response-content-disposition=attachment",
                "response-content-disposition=inline"));

        assertThat(extended.statusCode()).isEqualTo(403);
        assertThat(extended.body()).contains("<Code>SignatureDoesNotMatch</Code>");
        assertThat(inline.statusCode()).isEqualTo(403);
        assertThat(inline.body()).contains("<Code>SignatureDoesNotMatch</Code>");
        assertThat(get(url).statusCode()).isEqualTo(200);
    }

    @Test
    void aUrlIsRefusedOnceItsValidityHasPassed() throws Exception {
        DeliverableStorage shortLived = new DeliverableStorage(new WithValidity(storage, Duration.ofSeconds(1)));
        String url = shortLived.signedDownloadUrl(key, "attachment; filename=\"note.txt\"", "text/plain");
        Map<String, String> query = query(url);
        assertThat(query).containsEntry("X-Amz-Expires", "1");

        // X-Amz-Date is in whole seconds: the URL is valid through that second plus its validity.
        // One more second on top keeps this side of any rounding in the storage's comparison.
        Instant expired = Instant.from(AMZ_DATE.parse(query.get("X-Amz-Date"))).plusSeconds(1 + 1);
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> Instant.now().isAfter(expired));

        HttpResponse<String> response = get(url);
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).contains("<Code>AccessDenied</Code>").contains("Request has expired");
    }

    /** Projects a deliverable for the stored object and answers the download URL the service lists. */
    private String listedUrl() {
        String account = key.substring(0, key.indexOf('/'));
        String task = key.split("/")[2];
        String id = key.substring(key.lastIndexOf('/') + 1);
        connector.source("task-deliverable").send(EventJson.toJson(EventEnvelope.of(task, account, Mode.TEST, 1,
                new DeliverableCreated(id, Ids.newId(IdPrefix.AGENT), "note.txt", "text/plain", CONTENT.length, key,
                        Instant.now().truncatedTo(ChronoUnit.SECONDS)))));
        return await().atMost(WAIT).until(() -> given().header(InternalHeaders.ACCOUNT_ID, account)
                .header(InternalHeaders.MODE, "test").get("/internal/tasks/{task}/deliverables", task)
                .then().statusCode(200).extract().<String>path("[0].download_url"), url -> url != null);
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(WAIT).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, String> query(String url) {
        return Arrays.stream(URI.create(url).getRawQuery().split("&"))
                .map(pair -> pair.split("=", 2))
                .collect(Collectors.toMap(pair -> pair[0], pair -> URLDecoder.decode(pair[1], StandardCharsets.UTF_8)));
    }

    /** The service's storage settings with another URL validity. */
    private record WithValidity(StorageConfig base, Duration urlValidity) implements StorageConfig {
        @Override
        public String endpoint() {
            return base.endpoint();
        }

        @Override
        public String publicEndpoint() {
            return base.publicEndpoint();
        }

        @Override
        public String accessKey() {
            return base.accessKey();
        }

        @Override
        public String secretKey() {
            return base.secretKey();
        }

        @Override
        public String region() {
            return base.region();
        }

        @Override
        public String bucket() {
            return base.bucket();
        }
    }
}
