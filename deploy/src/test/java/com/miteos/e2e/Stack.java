package com.miteos.e2e;

import com.miteos.e2e.crash.PostgresServer;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The running stack the end-to-end tests talk to. By default it is the one {@code ./miteos up}
 * started: the gateway's base URL, the demo sandbox token and the admin token come from the
 * environment or from the launcher's state directory. With {@code -Dmiteos.stack=compose} (the
 * {@code testcontainers} profile) it is docker-compose.yml, started by {@link ComposeStack}.
 *
 * <p>Every address of the local stack is derived from the same variables as in
 * {@code deploy/env.sh} ({@code MITEOS_GATEWAY_PORT}, {@code MITEOS_KAFKA_PORT}, …), so a stack
 * started on other ports is tested on those ports, never on the defaults.
 */
final class Stack {

    static final boolean COMPOSE = "compose".equals(System.getProperty("miteos.stack"));
    private static final Map<String, String> STARTED = COMPOSE ? ComposeStack.start() : Map.of();
    static final String BASE_URL = COMPOSE ? STARTED.get("baseUrl")
            : env("MITEOS_BASE_URL", "http://localhost:" + env("MITEOS_GATEWAY_PORT", "8080"));
    static final Path STATE = Path.of(env("MITEOS_STATE_DIR", "../.miteos"));
    private static String composeDemoToken;

    private Stack() {
    }

    static synchronized String demoToken() {
        if (COMPOSE) {
            if (composeDemoToken == null) {
                composeDemoToken = newToken("test");
            }
            return composeDemoToken;
        }
        return fromEnvOrFile("MITEOS_DEMO_TOKEN", "demo-token");
    }

    static String adminToken() {
        return COMPOSE ? STARTED.get("adminToken") : fromEnvOrFile("MITEOS_ADMIN_TOKEN", "admin-token");
    }

    /** A request to the gateway with the given bearer token. */
    static RequestSpecification as(String token) {
        return RestAssured.given().baseUri(BASE_URL).auth().oauth2(token).contentType(ContentType.JSON);
    }

    /** A fresh account with a key of the given mode; answers the token. */
    static String newToken(String mode) {
        return newKey(newAccount(), mode).getString("token");
    }

    /** A fresh account, made through the admin API; answers its id. */
    static String newAccount() {
        return admin().body("{\"name\":\"e2e\"}")
                .post("/admin/v1/accounts").then().statusCode(201).extract().path("id");
    }

    /** A new key of the account: the admin API's answer ({@code id}, {@code token}, {@code prefix}, …). */
    static JsonPath newKey(String account, String mode) {
        return admin().body("{\"mode\":\"" + mode + "\"}")
                .post("/admin/v1/accounts/{id}/keys", account).then().statusCode(201).extract().jsonPath();
    }

    static void revokeKey(String keyId) {
        admin().delete("/admin/v1/keys/{id}", keyId).then().statusCode(204);
    }

    private static RequestSpecification admin() {
        return RestAssured.given().baseUri(BASE_URL).auth().oauth2(adminToken()).contentType(ContentType.JSON);
    }

    /** task-service's own address (loopback only), as deploy/env.sh derives it. */
    static String taskServiceUrl() {
        return env("MITEOS_TASK_SERVICE_URL", "http://127.0.0.1:" + env("MITEOS_TASK_SERVICE_PORT", "8081"));
    }

    /** The gateways' addresses: instance k listens on MITEOS_GATEWAY_PORT + MITEOS_INSTANCE_PORT_STEP·(k−1). */
    static List<String> gatewayUrls(int gateways) {
        int base = Integer.parseInt(env("MITEOS_GATEWAY_PORT", "8080"));
        int step = Integer.parseInt(env("MITEOS_INSTANCE_PORT_STEP", "100"));
        List<String> urls = new ArrayList<>();
        for (int k = 1; k <= gateways; k++) {
            urls.add("http://127.0.0.1:" + (base + step * (k - 1)));
        }
        return urls;
    }

    /** agent-orchestrator's own address (loopback only). */
    static String orchestratorUrl() {
        return "http://127.0.0.1:" + env("MITEOS_ORCHESTRATOR_PORT", "8082");
    }

    /** The Kafka broker the local stack uses. */
    static String kafkaBootstrap() {
        return env("MITEOS_KAFKA_BOOTSTRAP", "127.0.0.1:" + env("MITEOS_KAFKA_PORT", "9092"));
    }

    /** A connection to one of the local stack's databases, e.g. {@code miteos_orchestrator}. */
    static Connection database(String name) throws SQLException {
        return PostgresServer.connect(name);
    }

    private static String fromEnvOrFile(String variable, String file) {
        String value = System.getenv(variable);
        if (value != null && !value.isBlank()) {
            return value.trim();
        }
        try {
            return Files.readString(STATE.resolve(file)).trim();
        } catch (IOException e) {
            throw new IllegalStateException(variable + " is not set and " + STATE.resolve(file)
                    + " cannot be read: start the stack with ./miteos up first", e);
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
