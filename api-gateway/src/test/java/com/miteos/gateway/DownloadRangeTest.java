package com.miteos.gateway;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

/**
 * The download route against a deliverable-service stub that also plays S3
 * ({@link DeliverableServiceStub}): the gateway locates the file as the caller, works out the
 * answer to the {@code Range} header from the file's size and asks S3 for exactly those bytes; a
 * 206 comes back with its {@code Content-Range}, a 416 is a problem with
 * {@code Content-Range: bytes *&#47;size} and no read of S3. The range arithmetic itself is
 * {@code ByteRange}'s (common-model's {@code ByteRangeTest}).
 */
@QuarkusTest
@TestProfile(PinnedDefaults.Unlimited.class)
class DownloadRangeTest {

    private static final String PATH = "/v1/tasks/{id}/deliverables/{file}/download";
    private static final String TASK = DeliverableServiceStub.TASK;
    private static final String FILE = DeliverableServiceStub.FILE;

    private String account;
    private String testToken;

    @BeforeEach
    void setUp() {
        account = ApiTestSupport.newAccount();
        testToken = ApiTestSupport.newToken(account, "test");
    }

    @Test
    void theWholeFileIsReadFromS3WithTheLocatedHeaders() {
        String whole = as(testToken).get(PATH, TASK, FILE)
                .then().statusCode(200)
                .header("Accept-Ranges", "bytes")
                .header("Content-Length", "10")
                .header("Content-Type", "text/plain")
                .header("Content-Range", nullValue())
                .header("Content-Disposition", "attachment; filename=\"digits.txt\"")
                .header("X-Content-Type-Options", "nosniff")
                .header("Content-Security-Policy", "default-src 'none'; sandbox")
                .extract().asString();
        assertThat(whole).isEqualTo(DeliverableServiceStub.CONTENT);
        assertThat(DeliverableServiceStub.lastRange).isEmpty();
        assertThat(DeliverableServiceStub.lastOwner).as("located as the caller").isEqualTo(account + "/test");
    }

    @Test
    void rangesAreAskedOfS3ExactlyAndAnswer206Or416() {
        assertRange("bytes=2-5", "bytes=2-5", "bytes 2-5/10", "2345");
        assertRange("bytes=-3", "bytes=7-9", "bytes 7-9/10", "789");
        assertRange("bytes=8-", "bytes=8-9", "bytes 8-9/10", "89");
        assertRange("bytes=6-99", "bytes=6-9", "bytes 6-9/10", "6789");

        int reads = DeliverableServiceStub.reads.get();
        as(testToken).header("Range", "bytes=20-").get(PATH, TASK, FILE)
                .then().statusCode(416)
                .contentType("application/problem+json")
                .header("Content-Range", "bytes */10")
                .body("status", equalTo(416))
                .body("type", endsWith("range-not-satisfiable"));
        assertThat(DeliverableServiceStub.reads.get()).as("no read of S3 for a 416").isEqualTo(reads);

        // Several ranges, malformed ones and If-Range (no validator can match): the whole file.
        for (String range : new String[] {"bytes=0-1,5-6", "bytes=5-2", "chars=0-3"}) {
            String body = as(testToken).header("Range", range).get(PATH, TASK, FILE)
                    .then().statusCode(200).header("Content-Length", "10").extract().asString();
            assertThat(body).as(range).isEqualTo(DeliverableServiceStub.CONTENT);
            assertThat(DeliverableServiceStub.lastRange).as(range).isEmpty();
        }
        as(testToken).header("Range", "bytes=2-5").header("If-Range", "\"x\"").get(PATH, TASK, FILE)
                .then().statusCode(200).header("Content-Length", "10");
        assertThat(DeliverableServiceStub.lastRange).isEmpty();
    }

    @Test
    void anObjectMissingFromS3IsNotFoundAndABrokenS3Unavailable() {
        as(testToken).get(PATH, TASK, DeliverableServiceStub.GONE)
                .then().statusCode(404)
                .contentType("application/problem+json")
                .body("status", equalTo(404));
        as(testToken).get(PATH, TASK, DeliverableServiceStub.BROKEN)
                .then().statusCode(503)
                .contentType("application/problem+json")
                .body("status", equalTo(503))
                .body("detail", equalTo("The file could not be fetched right now; please retry."));
        // A file deliverable-service does not locate for the caller (another account's): 404.
        as(testToken).get(PATH, TASK, "dlvr_01m8h8kk7z637y3bz1qk5ax3qa")
                .then().statusCode(404)
                .contentType("application/problem+json");
    }

    private void assertRange(String range, String askedOfS3, String contentRange, String expected) {
        String part = as(testToken).header("Range", range).get(PATH, TASK, FILE)
                .then().statusCode(206)
                .header("Content-Range", contentRange)
                .header("Content-Length", String.valueOf(expected.length()))
                .header("Accept-Ranges", "bytes")
                .header("Content-Disposition", "attachment; filename=\"digits.txt\"")
                .extract().asString();
        assertThat(part).as(range).isEqualTo(expected);
        assertThat(DeliverableServiceStub.lastRange).as(range).isEqualTo(askedOfS3);
    }

    private RequestSpecification as(String token) {
        return given().auth().oauth2(token);
    }
}
