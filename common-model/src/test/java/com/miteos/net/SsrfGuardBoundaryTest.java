package com.miteos.net;

import com.miteos.net.TargetRefusal.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The guard's limits sit exactly where the URL and DNS standards put them (ports 1 to 65535,
 * names up to 253 characters), and each refusal says which rule refused, so a model reading
 * it can tell a typo from a forbidden target.
 */
class SsrfGuardBoundaryTest {

    private static final String PUBLIC_V4 = "93.184.215.14";
    private static final String LONGEST_NAME = ("a".repeat(49) + ".").repeat(5) + "tes"; // 5 * 50 + 3 = 253
    private static final String TOO_LONG_NAME = "a" + LONGEST_NAME;

    private final SsrfGuard guard = new SsrfGuard(new TestDns()
            .answer("example.test", PUBLIC_V4)
            .answer(LONGEST_NAME, PUBLIC_V4)
            .answer(TOO_LONG_NAME, PUBLIC_V4));

    @ParameterizedTest
    @ValueSource(ints = {1, 9, 65535})
    void everyPortFromOneTo65535IsAccepted(int port) {
        assertThat(guard.vet("http://example.test:" + port + "/").port()).isEqualTo(port);
        assertThat(guard.vet("https://[2606:4700::1111]:" + port + "/").port()).isEqualTo(port);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://example.test:0/", "http://example.test:65536/", "http://example.test:000080/",
            "http://[2606:4700::1111]:0/"})
    void portsOutsideTheRangeAreRefusedAsInvalid(String url) {
        assertThatThrownBy(() -> guard.vet(url)).isInstanceOfSatisfying(TargetRefusal.class,
                refusal -> assertThat(refusal.reason()).isEqualTo(Reason.INVALID_URL))
                .hasMessageStartingWith("not a valid port");
    }

    @Test
    void anEmptyPortMeansTheSchemesDefault() {
        assertThat(guard.vet("http://example.test:/").port()).isEqualTo(80);
        assertThat(guard.vet("https://[2606:4700::1111]:/").port()).isEqualTo(443);
    }

    @Test
    void aHostNameOf253CharactersIsFetchedAndOneOf254IsRefused() {
        assertThat(LONGEST_NAME).hasSize(253);

        assertThat(guard.vet("http://" + LONGEST_NAME + "/").host()).isEqualTo(LONGEST_NAME);
        assertThatThrownBy(() -> guard.vet("http://" + TOO_LONG_NAME + "/")).isInstanceOfSatisfying(TargetRefusal.class,
                refusal -> assertThat(refusal.reason()).isEqualTo(Reason.INVALID_URL))
                .hasMessageStartingWith("not a valid host name");
    }

    @Test
    void anEmptyUserNameIsStillUserInfoAndForbidden() {
        assertThatThrownBy(() -> guard.vet("http://@example.test/")).isInstanceOfSatisfying(TargetRefusal.class,
                refusal -> assertThat(refusal.reason()).isEqualTo(Reason.FORBIDDEN_TARGET))
                .hasMessageContaining("user name or password");
    }

    @Test
    void aHostThatStartsPercentEncodedIsRefusedAsPercentEncoded() {
        assertThatThrownBy(() -> guard.vet("http://%31%32%37.0.0.1/")).isInstanceOfSatisfying(TargetRefusal.class,
                refusal -> assertThat(refusal.reason()).isEqualTo(Reason.INVALID_URL))
                .hasMessageStartingWith("percent-encoded host names are not fetched");
    }

    @Test
    void aPortWithoutAHostIsRefusedForTheMissingHost() {
        assertThatThrownBy(() -> guard.vet("http://:80/")).isInstanceOfSatisfying(TargetRefusal.class,
                refusal -> assertThat(refusal.reason()).isEqualTo(Reason.INVALID_URL))
                .hasMessageStartingWith("the URL has no host");
    }

    @Test
    void refusalsOfAddressesSayWhetherTheNameResolvedThereOrWasTheAddress() {
        SsrfGuard withRebinding = new SsrfGuard(new TestDns().answer("rebind.test", "127.0.0.1"));

        assertThatThrownBy(() -> withRebinding.vet("http://rebind.test/"))
                .hasMessageStartingWith("'rebind.test' resolves to an address that is not a public internet address");
        assertThatThrownBy(() -> withRebinding.vet("http://127.0.0.1/"))
                .hasMessageStartingWith("'127.0.0.1' is not a public internet address");
    }

    @Test
    void aVettedHttpsUrlSaysItIsHttps() {
        VettedTarget secure = guard.vet("https://example.test/");

        assertThat(secure.isHttps()).isTrue();
        assertThat(secure.pinnedUri()).isEqualTo(URI.create("https://93.184.215.14:443/"));
        assertThat(guard.vet("http://example.test/").isHttps()).isFalse();
    }
}
