package com.miteos.e2e;

import org.testcontainers.containers.ComposeContainer;
import org.testcontainers.containers.wait.strategy.Wait;

import java.io.File;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

/**
 * Starts {@code docker-compose.yml} with Testcontainers for the {@code testcontainers} profile,
 * once per test JVM, and stops it when the JVM exits. Only that profile touches this class, so
 * the default build needs no Docker.
 */
final class ComposeStack {

    private ComposeStack() {
    }

    /** Starts the stack; answers the gateway's base URL and the admin token it runs with. */
    static Map<String, String> start() {
        String adminToken = Base64.getUrlEncoder().withoutPadding().encodeToString(random(36));
        ComposeContainer compose = new ComposeContainer(new File("../docker-compose.yml"))
                .withEnv("MITEOS_ADMIN_TOKEN", adminToken)
                .withExposedService("api-gateway", 8080,
                        Wait.forHttp("/q/health/ready")
                                .forStatusCode(200).withStartupTimeout(Duration.ofMinutes(5)))
                .withBuild(true);
        compose.start();
        Runtime.getRuntime().addShutdownHook(new Thread(compose::stop));
        String baseUrl = "http://" + compose.getServiceHost("api-gateway", 8080) + ":"
                + compose.getServicePort("api-gateway", 8080);
        return Map.of("baseUrl", baseUrl, "adminToken", adminToken);
    }

    private static byte[] random(int bytes) {
        byte[] value = new byte[bytes];
        new SecureRandom().nextBytes(value);
        return value;
    }
}
