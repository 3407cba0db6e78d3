package com.miteos.net;

import com.miteos.net.TargetRefusal.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.URI;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SsrfGuardTest {

    private static final String PUBLIC_V4 = "93.184.215.14";
    private static final String PUBLIC_V6 = "2606:4700::1111";

    private final TestDns dns = SsrfPayloads.dns(PUBLIC_V4)
            .answer("example.test", PUBLIC_V4)
            .answer("v6.example.test", PUBLIC_V6)
            .answer("dual.example.test", PUBLIC_V4, PUBLIC_V6)
            .answer("private-first.test", "10.1.2.3", PUBLIC_V4)
            .answer("nothing.test");
    private final SsrfGuard guard = new SsrfGuard(dns);

    static List<String> corpus() {
        return SsrfPayloads.aimedAt(8080);
    }

    @Test
    void corpusHasAtLeastThirtyPayloads() {
        assertThat(corpus()).hasSizeGreaterThanOrEqualTo(30).doesNotHaveDuplicates();
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void refusesEveryPayloadOfTheSsrfCorpus(String payload) {
        assertThatThrownBy(() -> guard.vet(payload)).isInstanceOf(TargetRefusal.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1/", "http://localhost/", "http://169.254.169.254/", "http://[::1]/",
            "http://rebind.test/", "http://mixed.test/", "http://0x7f000001/", "file:///etc/passwd",
            "http://good@example.test/"})
    void refusalsOfInternalTargetsAreForbiddenTargetRefusals(String url) {
        assertThatThrownBy(() -> guard.vet(url)).isInstanceOfSatisfying(TargetRefusal.class,
                refusal -> assertThat(refusal.reason()).isEqualTo(Reason.FORBIDDEN_TARGET));
    }

    @Test
    void aNameWithAPrivateAddressAmongPublicOnesIsRefusedWhateverTheOrder() {
        assertThatThrownBy(() -> guard.vet("http://mixed.test/")).isInstanceOf(TargetRefusal.class);
        assertThatThrownBy(() -> guard.vet("http://private-first.test/")).isInstanceOf(TargetRefusal.class);
    }

    @Test
    void refusalMessagesDoNotRevealTheInternalAddressANameResolvedTo() {
        assertThatThrownBy(() -> guard.vet("http://private-first.test/"))
                .hasMessageContaining("private-first.test")
                .hasMessageNotContaining("10.1.2.3");
    }

    @Test
    void numericHostsAreNeverHandedToTheResolver() {
        for (String url : List.of("http://2130706433/", "http://0x7f.1/", "http://0177.0.0.1/", "http://127.1/",
                "http://0/", "http://[::ffff:7f00:1]/", "http://93.184.215.14/", "http://0x5db8d70e/")) {
            try {
                guard.vet(url);
            } catch (TargetRefusal refusedAsExpected) {
                // Only the question matters here: was the resolver asked?
            }
        }
        assertThat(dns.asked()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
            "http://0x5db8d70e/, 93.184.215.14",
            "http://1572394766/, 93.184.215.14",
            "http://0135.0270.0327.016/, 93.184.215.14",
            "http://93.12113678/, 93.184.215.14",
            "http://93.184.55054/, 93.184.215.14",
            "http://93.184.215.14./, 93.184.215.14"})
    void numericSpellingsOfAPublicAddressAreNormalisedToThatAddress(String url, String address) {
        VettedTarget target = guard.vet(url);

        assertThat(target.addresses()).containsExactly(TestDns.address(address));
        assertThat(target.url()).isEqualTo(URI.create("http://" + address + "/"));
    }

    @Test
    void publicIpv4AndIpv6AddressesAreAllowed() {
        assertThat(guard.vet("http://93.184.215.14/").addresses()).containsExactly(TestDns.address(PUBLIC_V4));
        assertThat(guard.vet("https://[2606:4700::1111]/").addresses()).containsExactly(TestDns.address(PUBLIC_V6));
        assertThat(guard.vet("http://[::ffff:93.184.215.14]/").addresses())
                .containsExactly(TestDns.address(PUBLIC_V4));
        assertThat(guard.vet("http://[64:ff9b::5db8:d70e]/").addresses()).hasSize(1);
        assertThat(guard.vet("http://[2002:5db8:d70e::1]/").addresses()).hasSize(1);
    }

    @Test
    void publicNamesAreAllowedWithAllTheirAddresses() {
        assertThat(guard.vet("https://example.test/a?b=c").addresses()).containsExactly(TestDns.address(PUBLIC_V4));
        assertThat(guard.vet("https://v6.example.test/").addresses()).containsExactly(TestDns.address(PUBLIC_V6));
        assertThat(guard.vet("https://dual.example.test/").addresses())
                .containsExactly(TestDns.address(PUBLIC_V4), TestDns.address(PUBLIC_V6));
    }

    @Test
    void anyPortIsAllowedOnAPublicHost() {
        assertThat(guard.vet("http://example.test:22/").port()).isEqualTo(22);
        assertThat(guard.vet("https://example.test:8443/").port()).isEqualTo(8443);
    }

    @Test
    void theVettedTargetAimsAtTheVettedAddressWithTheOriginalHost() {
        VettedTarget target = guard.vet("HTTP://Example.TEST:8080/path/%7Efile?q=a%20b#fragment");

        assertThat(target.url()).isEqualTo(URI.create("http://example.test:8080/path/%7Efile?q=a%20b"));
        assertThat(target.pinnedUri()).isEqualTo(URI.create("http://93.184.215.14:8080/path/%7Efile?q=a%20b"));
        assertThat(target.hostHeader()).isEqualTo("example.test:8080");
        assertThat(target.isHttps()).isFalse();
    }

    @Test
    void nonAsciiPathsAndQueriesArePercentEncodedAsBrowsersDo() {
        VettedTarget target = guard.vet("http://example.test/caf\u00e9?q=\u00fc\ud83d\ude00");

        assertThat(target.pathAndQuery()).isEqualTo("/caf%C3%A9?q=%C3%BC%F0%9F%98%80");
        assertThat(target.pinnedUri().getRawPath()).isEqualTo("/caf%C3%A9");
    }

    @Test
    void internationalisedHostNamesAreCheckedAndRequestedInTheirAsciiForm() {
        SsrfGuard idn = new SsrfGuard(new TestDns().answer("xn--bcher-kva.test", PUBLIC_V4));

        VettedTarget target = idn.vet("https://b\u00fccher.test/");

        assertThat(target.host()).isEqualTo("xn--bcher-kva.test");
        assertThat(target.url()).isEqualTo(URI.create("https://xn--bcher-kva.test/"));
    }

    @Test
    void theDefaultPortStaysOutOfTheHostHeaderAndAnIpv6AddressIsBracketed() {
        VettedTarget target = guard.vet("https://v6.example.test");

        assertThat(target.hostHeader()).isEqualTo("v6.example.test");
        assertThat(target.port()).isEqualTo(443);
        assertThat(target.pathAndQuery()).isEqualTo("/");
        assertThat(target.pinnedUri().toString()).startsWith("https://[2606:4700:0:0:0:0:0:1111]:443/");
    }

    @Test
    void namesThatDoNotResolveAreRefusedAsUnknown() {
        assertThatThrownBy(() -> guard.vet("http://nowhere.test/")).isInstanceOfSatisfying(TargetRefusal.class,
                refusal -> assertThat(refusal.reason()).isEqualTo(Reason.UNKNOWN_HOST));
        assertThatThrownBy(() -> guard.vet("http://nothing.test/")).isInstanceOfSatisfying(TargetRefusal.class,
                refusal -> assertThat(refusal.reason()).isEqualTo(Reason.UNKNOWN_HOST));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not a url", "example.test/page", "http://", "http://exa mple.test/",
            "http://example.test:99999/", "http://example.test:0/", "http://example.test:8o/", "http://[::1/",
            "http://[1:2:3:4:5:6:7:8:9]/", "http://256.1.1.1/", "http://1.2.3.08/", "http://foo.0x10/",
            "http://-bad-.test/", "http://a..b.test/"})
    void malformedUrlsAreRefusedAsInvalid(String url) {
        assertThatThrownBy(() -> guard.vet(url)).isInstanceOf(TargetRefusal.class);
    }

    @Test
    void aPolicyDecidesWhichAddressesArePublic() {
        SsrfGuard lenient = new SsrfGuard(new TestDns().answer("site.test", "127.0.0.2"), new StandInPolicy());

        assertThat(lenient.vet("http://site.test:1234/").addresses()).containsExactly(TestDns.address("127.0.0.2"));
        assertThatThrownBy(() -> lenient.vet("http://127.0.0.1:1234/")).isInstanceOf(TargetRefusal.class);
    }

    @Test
    void resolvedAddressesAreCopiedWithoutTheirNames() throws Exception {
        InetAddress named = InetAddress.getByAddress("example.test", TestDns.address(PUBLIC_V4).getAddress());
        SsrfGuard withNamedAnswer = new SsrfGuard(host -> List.of(named));

        InetAddress vetted = withNamedAnswer.vet("http://example.test/").addresses().get(0);

        assertThat(vetted.getAddress()).isEqualTo(named.getAddress());
        assertThat(vetted.toString()).startsWith("/");
    }
}
