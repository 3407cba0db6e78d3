package com.miteos.tasks.service;

import com.miteos.net.TargetRefusal;
import com.miteos.net.TestDns;
import com.miteos.tasks.config.WebhookConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The https rule, the length limit and the loopback knob around the shared SSRF guard. */
class WebhookTargetsTest {

    private final TestDns dns = new TestDns().answer("example.test", "93.184.215.14").answer("rebind.test", "127.0.0.1");

    @Test
    void productionSettingsAcceptOnlyHttpsToPublicAddresses() {
        WebhookTargets targets = new WebhookTargets(config(false, false), dns);

        assertThat(targets.vet("https://example.test/hook").port()).isEqualTo(443);
        assertThatThrownBy(() -> targets.vet("http://example.test/hook")).isInstanceOf(TargetRefusal.class)
                .hasMessageContaining("https");
        assertThatThrownBy(() -> targets.vet("https://rebind.test/hook")).isInstanceOf(TargetRefusal.class);
        assertThatThrownBy(() -> targets.vet("https://127.0.0.1/hook")).isInstanceOf(TargetRefusal.class);
        assertThatThrownBy(() -> targets.vet("https://example.test/" + "a".repeat(2048)))
                .isInstanceOf(TargetRefusal.class).hasMessageContaining("2048");
    }

    @Test
    void theLoopbackKnobAdmitsLoopbackButNoOtherPrivateAddress() {
        WebhookTargets targets = new WebhookTargets(config(true, true), dns);

        assertThat(targets.vet("http://127.0.0.1:8080/hook").port()).isEqualTo(8080);
        assertThat(targets.vet("http://rebind.test/hook").addresses()).containsExactly(TestDns.address("127.0.0.1"));
        assertThatThrownBy(() -> targets.vet("http://10.0.0.1/")).isInstanceOf(TargetRefusal.class);
        assertThatThrownBy(() -> targets.vet("http://169.254.169.254/")).isInstanceOf(TargetRefusal.class);
        assertThatThrownBy(() -> targets.vet("http://localhost/")).isInstanceOf(TargetRefusal.class);
    }

    private static WebhookConfig config(boolean allowHttp, boolean allowLoopback) {
        return new WebhookConfig() {
            public String retrySchedule() { return "5s"; }
            public Duration disableAfter() { return Duration.ofDays(5); }
            public Duration timeout() { return Duration.ofSeconds(10); }
            public Duration lease() { return Duration.ofMinutes(1); }
            public Duration pollInterval() { return Duration.ofSeconds(1); }
            public int maxInFlight() { return 256; }
            public int perEndpointConcurrency() { return 4; }
            public int maxEndpointsPerAccount() { return 20; }
            public int maxUrlLength() { return 2048; }
            public Duration secretOverlap() { return Duration.ofHours(24); }
            public boolean allowHttp() { return allowHttp; }
            public boolean allowLoopbackTargets() { return allowLoopback; }
        };
    }
}
