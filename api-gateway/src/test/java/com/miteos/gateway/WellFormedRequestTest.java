package com.miteos.gateway;

import com.miteos.gateway.WellFormedRequest.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The fuzz test's judge of well-formed requests, on requests whose verdict is known. */
class WellFormedRequestTest {

    private static final String HOST = "Host: localhost\r\n";

    @ParameterizedTest
    @ValueSource(strings = {
            "GET /v1/tasks HTTP/1.1\r\n" + HOST + "\r\n",
            "GET /v1/tasks?status=running&limit=5 HTTP/1.1\r\n" + HOST + "Authorization: Bearer x\r\n\r\n",
            "GET /v1/tasks/%C3%A9%20 HTTP/1.1\r\n" + HOST + "X-Empty:\r\nX-Obs-Text: caf\u00e9\r\n\r\n",
            "GET http://localhost/v1/tasks HTTP/1.1\r\n" + HOST + "\r\n",
            "OPTIONS * HTTP/1.1\r\n" + HOST + "\r\n",
            "FOO /v1/tasks HTTP/1.0\r\n" + HOST + "\r\n",
            "POST /v1/tasks HTTP/1.1\r\n" + HOST + "Content-Length: 2\r\n\r\n{}",
            "POST /v1/tasks HTTP/1.1\r\n" + HOST + "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"})
    void wellFormed(String request) {
        assertThat(WellFormedRequest.of(latin1(request), 0).kind()).isEqualTo(Kind.WELL_FORMED);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "GET /v1/tasks HTTP/1.1\r\n" + HOST,
            "GET /v1/tasks HTTP/1.1\n" + HOST + "\r\n",
            "GET /v1/tasks\r\n" + HOST + "\r\n",
            "GET /v1/tasks HTTP/1.1 \r\n" + HOST + "\r\n",
            "GET /v1/tasks/%zz HTTP/1.1\r\n" + HOST + "\r\n",
            "GET /v1/tasks/a\u00e9 HTTP/1.1\r\n" + HOST + "\r\n",
            "GET /v1/tasks#x HTTP/1.1\r\n" + HOST + "\r\n",
            "GET v1/tasks HTTP/1.1\r\n" + HOST + "\r\n",
            "GET /v1/tasks HTTP/1.1\r\n\r\n",
            "GET /v1/tasks HTTP/1.1\r\n" + HOST + HOST + "\r\n",
            "GET /v1/tasks HTTP/1.1\r\n" + HOST + "Bad Name: x\r\n\r\n",
            "GET /v1/tasks HTTP/1.1\r\n" + HOST + "NoColon\r\n\r\n",
            "GET /v1/tasks HTTP/1.1\r\n" + HOST + "X-Folded: a\r\n b\r\n\r\n",
            "GET /v1/tasks HTTP/1.1\r\n" + HOST + "X-Control: a\u0001b\r\n\r\n",
            "GET /v1/tasks HTTP/1.1\r\n" + HOST + "X-Control: ab\u001f\r\n\r\n",
            "POST /v1/tasks HTTP/1.1\r\n" + HOST + "Content-Length: -1\r\n\r\n",
            "POST /v1/tasks HTTP/1.1\r\n" + HOST + "Content-Length: 10\r\n\r\n{}",
            "POST /v1/tasks HTTP/1.1\r\n" + HOST + "Content-Length: 1\r\n\r\n{}",
            "POST /v1/tasks HTTP/1.1\r\n" + HOST + "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
            "POST /v1/tasks HTTP/1.1\r\n" + HOST + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n",
            "POST /v1/tasks HTTP/1.1\r\n" + HOST + "Transfer-Encoding: gzip\r\n\r\n",
            "POST /v1/tasks HTTP/1.1\r\n" + HOST + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
            "POST /v1/tasks HTTP/1.1\r\n" + HOST + "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0"})
    void malformed(String request) {
        assertThat(WellFormedRequest.of(latin1(request), 0).kind()).isEqualTo(Kind.MALFORMED);
    }

    @Test
    void theEndOfARequestIsUnknownOnlyWhenItsBodyIsNotAllThereOrCannotBeFramed() {
        assertThat(WellFormedRequest.of(latin1("POST /v1/tasks HTTP/1.1\r\n" + HOST + "Content-Length: 10\r\n\r\n{}"), 0)
                .endUnknown()).isTrue();
        assertThat(WellFormedRequest.of(latin1("POST /v1/tasks HTTP/1.1\r\n" + HOST + "Content-Length: abc\r\n\r\n"), 0)
                .endUnknown()).isTrue();
        assertThat(WellFormedRequest.of(latin1("GET /v1/tasks/%zz HTTP/1.1\r\n" + HOST + "\r\n"), 0).endUnknown())
                .isFalse();
        assertThat(WellFormedRequest.of(latin1("GET /v1/tasks HTTP/1.1\r\n" + HOST + "\r\n"), 0).endUnknown())
                .isFalse();
    }

    @Test
    void theLimitsAreThoseOfTheGatewayLessTheClientsReserve() {
        String line = "GET /v1/tasks/" + "t".repeat(PinnedDefaults.MAX_REQUEST_LINE_BYTES - 23) + " HTTP/1.1";
        assertThat(line).hasSize(PinnedDefaults.MAX_REQUEST_LINE_BYTES);
        assertThat(WellFormedRequest.of(latin1(line + "\r\n" + HOST + "\r\n"), 0).kind()).isEqualTo(Kind.WELL_FORMED);
        assertThat(WellFormedRequest.of(latin1(line.replace(" HTTP", "t HTTP") + "\r\n" + HOST + "\r\n"), 0).kind())
                .isEqualTo(Kind.OVER_LIMIT);

        String padding = "X-Padding: " + "p".repeat(PinnedDefaults.MAX_HEADER_BYTES - 15 - 11);
        byte[] fullHead = latin1("GET / HTTP/1.1\r\n" + HOST + padding + "\r\n\r\n");
        assertThat(WellFormedRequest.of(fullHead, 0).kind()).isEqualTo(Kind.WELL_FORMED);
        assertThat(WellFormedRequest.of(fullHead, 1).kind()).isEqualTo(Kind.OVER_LIMIT);

        assertThat(WellFormedRequest.of(latin1("POST / HTTP/1.1\r\n" + HOST + "Content-Length: "
                + (PinnedDefaults.MAX_BODY_BYTES + 1) + "\r\n\r\n"), 0).kind()).isEqualTo(Kind.OVER_LIMIT);
        assertThat(WellFormedRequest.of(latin1("POST / HTTP/1.1\r\n" + HOST
                + "Content-Length: 99999999999999999999\r\n\r\n"), 0).kind()).isEqualTo(Kind.OVER_LIMIT);
    }

    private static byte[] latin1(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
