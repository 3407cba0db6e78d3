package com.miteos.net;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where the requests of {@code fetch_url} and of webhooks go once the guard vetted their URL:
 * plain http to the vetted address with the name in {@code Host}; https, the documented limit,
 * to the name. And the client they share uses no proxy and follows no redirect.
 */
class PinnedRequestsTest {

    private static final SsrfGuard GUARD = new SsrfGuard(new TestDns()
            .answer("example.test", "93.184.216.34", "2606:4700::1111")
            .answer("v6.example.test", "2606:4700::1111"));

    @BeforeAll
    static void pinningIsOn() {
        PinnedHttp.required();
    }

    @Test
    void plainHttpGoesToTheFirstVettedAddressWithTheNameInTheHostHeader() {
        HttpRequest request = PinnedRequests.to(GUARD.vet("http://example.test:8080/a/b?c=d")).GET().build();

        assertThat(request.uri()).isEqualTo(URI.create("http://93.184.216.34:8080/a/b?c=d"));
        assertThat(request.headers().firstValue("Host")).contains("example.test:8080");
        assertThat(request.version()).contains(HttpClient.Version.HTTP_1_1);
    }

    @Test
    void anIpv6AddressIsBracketedAndTheDefaultPortStaysOutOfTheHostHeader() {
        HttpRequest request = PinnedRequests.to(GUARD.vet("http://v6.example.test/")).GET().build();

        assertThat(request.uri()).isEqualTo(URI.create("http://[2606:4700:0:0:0:0:0:1111]:80/"));
        assertThat(request.headers().firstValue("Host")).contains("v6.example.test");
    }

    /** Not pinned, by design (see {@link PinnedRequests}): the client resolves the name once more. */
    @Test
    void httpsGoesToTheNameWithoutAHostHeaderOfOurOwn() {
        HttpRequest request = PinnedRequests.to(GUARD.vet("https://example.test/a?b=c")).GET().build();

        assertThat(request.uri()).isEqualTo(URI.create("https://example.test/a?b=c"));
        assertThat(request.headers().firstValue("Host")).isEmpty();
    }

    @Test
    void theClientUsesNoProxyAndFollowsNoRedirect() {
        HttpClient client = PinnedRequests.client(Duration.ofSeconds(3));

        assertThat(client.followRedirects()).isEqualTo(HttpClient.Redirect.NEVER);
        assertThat(client.proxy()).hasValue(HttpClient.Builder.NO_PROXY);
        assertThat(client.connectTimeout()).isEqualTo(Optional.of(Duration.ofSeconds(3)));
    }
}
