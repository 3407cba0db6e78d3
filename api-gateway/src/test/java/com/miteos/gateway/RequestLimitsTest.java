package com.miteos.gateway;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static com.miteos.gateway.PinnedDefaults.MAX_BODY_BYTES;
import static com.miteos.gateway.PinnedDefaults.MAX_HEADER_BYTES;
import static com.miteos.gateway.PinnedDefaults.MAX_REQUEST_LINE_BYTES;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The size limits of a request, byte for byte at their edges (requests written on a socket, so
 * that no client adds or changes a byte): header fields of up to 16 KiB in all
 * ({@code MITEOS_MAX_HEADER_SIZE}, counted as the bytes of their {@code name: value} lines without
 * line ends), a request line of up to 4,096 bytes ({@code MITEOS_MAX_URL_LENGTH}, without its line
 * end) and a body of up to 256 KiB ({@code MITEOS_MAX_BODY_SIZE}). At the limit the request
 * reaches the API; one byte over, it is refused with 431, 414 or 413, never a server error.
 */
@QuarkusTest
@TestProfile(PinnedDefaults.Unlimited.class)
class RequestLimitsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** Answered 404 by the API (a task id of the wrong shape): proof that the request got through. */
    private static final String ANY_PATH = "/v1/tasks/task_nope";

    @TestHTTPResource("/")
    URI gateway;

    private String token;

    @BeforeEach
    void newKey() {
        token = ApiTestSupport.newToken(ApiTestSupport.newAccount(), "test");
    }

    @Test
    void headerFieldsOf16KiBReachTheApiAndOneByteMoreIsA431() throws IOException {
        RawHttp.Answer atTheLimit = send(getWithHeadersOf(MAX_HEADER_BYTES));
        RawHttp.Answer over = send(getWithHeadersOf(MAX_HEADER_BYTES + 1));

        assertThat(atTheLimit.status()).isEqualTo(404);
        assertThat(atTheLimit.header("Content-Type")).hasValue("application/problem+json");
        assertThat(over.status()).isEqualTo(431);
    }

    @Test
    void aRequestLineOf4096BytesReachesTheApiAndOneByteMoreIsA414() throws IOException {
        RawHttp.Answer atTheLimit = send(getWithRequestLineOf(MAX_REQUEST_LINE_BYTES));
        RawHttp.Answer over = send(getWithRequestLineOf(MAX_REQUEST_LINE_BYTES + 1));

        assertThat(atTheLimit.status()).isEqualTo(404);
        assertThat(atTheLimit.header("Content-Type")).hasValue("application/problem+json");
        assertThat(over.status()).isEqualTo(414);
    }

    @Test
    void aBodyOf256KiBReachesTheApiAndOneByteMoreIsA413Problem() throws IOException {
        RawHttp.Answer atTheLimit = send(postWithBodyOf(MAX_BODY_BYTES, false));
        RawHttp.Answer over = send(postWithBodyOf(MAX_BODY_BYTES + 1, false));

        // The API read it all: the prompt in it is too long, a validation problem.
        assertThat(atTheLimit.status()).isEqualTo(400);
        assertThat(atTheLimit.body()).contains("\"field\":\"prompt\"");
        assertThat(over.status()).isEqualTo(413);
        assertThat(over.header("Content-Type")).hasValue("application/problem+json");
        assertThat(over.body()).contains("\"type\":\"https://api.miteos.com/problems/body-too-large\"",
                "\"status\":413");
    }

    @Test
    void aChunkedBodyWithoutALengthHasTheSameLimit() throws IOException {
        RawHttp.Answer atTheLimit = send(postWithBodyOf(MAX_BODY_BYTES, true));
        RawHttp.Answer over = send(postWithBodyOf(MAX_BODY_BYTES + 1, true));

        assertThat(atTheLimit.status()).isEqualTo(400);
        assertThat(atTheLimit.body()).contains("\"field\":\"prompt\"");
        assertThat(over.status()).isEqualTo(413);
    }

    /** A GET whose header fields (Host, Connection, Authorization and a padding) are {@code bytes} long in all. */
    private byte[] getWithHeadersOf(int bytes) {
        String[] fields = {"Host: localhost", "Connection: close", "Authorization: Bearer " + token};
        int used = 0;
        for (String field : fields) {
            used += field.length();
        }
        String padding = "X-Padding: ";
        padding += "p".repeat(bytes - used - padding.length());
        return ascii("GET " + ANY_PATH + " HTTP/1.1\r\n" + String.join("\r\n", fields) + "\r\n" + padding + "\r\n\r\n");
    }

    /** A GET of an unknown task whose request line ({@code GET <path> HTTP/1.1}) is {@code bytes} long. */
    private byte[] getWithRequestLineOf(int bytes) {
        String around = "GET /v1/tasks/ HTTP/1.1";
        String line = "GET /v1/tasks/" + "t".repeat(bytes - around.length()) + " HTTP/1.1";
        assertThat(line).hasSize(bytes);
        return ascii(line + "\r\nHost: localhost\r\nConnection: close\r\nAuthorization: Bearer " + token + "\r\n\r\n");
    }

    /** A POST /v1/tasks of a JSON body {@code bytes} long (a very long prompt), with a length or in one chunk. */
    private byte[] postWithBodyOf(int bytes, boolean chunked) {
        String around = "{\"prompt\":\"\"}";
        byte[] body = ascii("{\"prompt\":\"" + "a".repeat(bytes - around.length()) + "\"}");
        assertThat(body).hasSize(bytes);
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.writeBytes(ascii("POST /v1/tasks HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                + "Authorization: Bearer " + token + "\r\nContent-Type: application/json\r\n"
                + (chunked ? "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(bytes) + "\r\n"
                        : "Content-Length: " + bytes + "\r\n\r\n")));
        request.writeBytes(body);
        if (chunked) {
            request.writeBytes(ascii("\r\n0\r\n\r\n"));
        }
        return request.toByteArray();
    }

    private RawHttp.Answer send(byte[] request) throws IOException {
        return RawHttp.exchange(new InetSocketAddress("127.0.0.1", gateway.getPort()), null, request, false, TIMEOUT);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
