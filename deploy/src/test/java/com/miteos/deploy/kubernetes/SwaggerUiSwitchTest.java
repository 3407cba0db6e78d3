package com.miteos.deploy.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Production runs the gateway without Swagger UI: the manifests set the switch that the gateway's
 * configuration reads (the OpenAPI document itself stays served; it describes the public API).
 */
class SwaggerUiSwitchTest {

    static final String SWITCH = "MITEOS_SWAGGER_UI_ENABLED";

    @Test
    void theGatewayDeploymentTurnsSwaggerUiOff() {
        JsonNode env = ManifestDocuments.find(ManifestDocuments.all(), "Deployment", "api-gateway").document()
                .at("/spec/template/spec/containers/0/env");

        assertThat(env).filteredOn(variable -> variable.path("name").asText().equals(SWITCH))
                .singleElement().extracting(variable -> variable.path("value").asText()).isEqualTo("false");
    }

    @Test
    void theGatewayReadsThatSwitch() throws IOException {
        String properties = Files.readString(Path.of("..", "api-gateway", "src", "main", "resources",
                "application.properties"));

        assertThat(properties).contains("quarkus.swagger-ui.enabled=${" + SWITCH + ":true}");
    }
}
