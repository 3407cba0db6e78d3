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
 * The download route against a deliverable-service stub ({@link DeliverableServiceStub}): the
 * {@code Range} header goes through, a 206 comes back with its {@code Content-Range}, and a 416
 * becomes a problem that keeps {@code Content-Range: bytes *&#47;size}. The range arithmetic itself is
 * deliverable-service's (its {@code ByteRangeTest} and {@code DeliverableApiTest}).
 */
@QuarkusTest
@TestProfile(PinnedDefaults.Unlimited.class)
class DownloadRangeTest {

    private String testToken;

    @BeforeEach
    void setUp() {
        testToken = ApiTestSupport.newToken(ApiTestSupport.newAccount(), "test");
    }

    @Test
    void rangesPassThroughAndAnswer206Or416() {
        String task = DeliverableServiceStub.TASK;
        String file = DeliverableServiceStub.FILE;
        String path = "/v1/tasks/{id}/deliverables/{file}/download";

        String whole = as(testToken).get(path, task, file)
                .then().statusCode(200)
                .header("Accept-Ranges", "bytes")
                .header("Content-Length", "10")
                .header("Content-Range", nullValue())
                .header("Content-Disposition", "attachment; filename=\"digits.txt\"")
                .extract().asString();
        assertThat(whole).isEqualTo(DeliverableServiceStub.CONTENT);
        assertThat(DeliverableServiceStub.lastRange).isEmpty();

        String part = as(testToken).header("Range", "bytes=2-5").get(path, task, file)
                .then().statusCode(206)
                .header("Content-Range", "bytes 2-5/10")
                .header("Content-Length", "4")
                .header("Accept-Ranges", "bytes")
                .extract().asString();
        assertThat(part).isEqualTo("2345");
        assertThat(DeliverableServiceStub.lastRange).isEqualTo("bytes=2-5");

        as(testToken).header("Range", "bytes=20-").get(path, task, file)
                .then().statusCode(416)
                .contentType("application/problem+json")
                .header("Content-Range", "bytes */10")
                .body("status", equalTo(416))
                .body("type", endsWith("range-not-satisfiable"));
    }

    private RequestSpecification as(String token) {
        return given().auth().oauth2(token);
    }
}
