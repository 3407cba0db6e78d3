package com.miteos.deploy.kubernetes;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every kustomization under deploy/kubernetes builds with {@code kubectl kustomize} (offline),
 * and what it renders (namespace set, images tagged) is valid against the schemas. Skipped, and
 * says so, where kubectl is not installed.
 */
class KustomizeBuildTest {

    private static final ManifestValidator VALIDATOR = ManifestValidator.shared();

    @BeforeAll
    static void kubectlIsInstalled() {
        assumeTrue(run(Path.of("."), "kubectl", "version", "--client").exitCode == 0,
                "kubectl is not installed: kustomizations not built");
    }

    static Stream<Path> kustomizations() {
        return ManifestDocuments.files().stream()
                .filter(p -> p.getFileName().toString().equals("kustomization.yaml"))
                .map(Path::getParent);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kustomizations")
    void buildsToValidManifests(Path dir) {
        List<Manifest> rendered = build(dir);

        assertThat(rendered).isNotEmpty();
        for (Manifest manifest : rendered) {
            assertThat(VALIDATOR.errors(manifest.document())).as(manifest.toString()).isEmpty();
        }
    }

    @Test
    void theDefaultKustomizationLeavesTheExamplesOut() {
        List<Manifest> rendered = build(ManifestDocuments.ROOT);

        assertThat(rendered.stream().filter(m -> m.kind().equals("Deployment")).map(Manifest::name))
                .containsExactlyInAnyOrder("api-gateway", "task-service", "agent-orchestrator", "deliverable-service");
        assertThat(rendered.stream().filter(m -> m.kind().equals("PodDisruptionBudget")).map(Manifest::name))
                .containsExactlyInAnyOrder("api-gateway", "task-service", "agent-orchestrator", "deliverable-service");
        assertThat(rendered).extracting(Manifest::kind)
                .doesNotContain("Secret", "Ingress", "Kafka", "KafkaTopic", "ScaledObject", "HorizontalPodAutoscaler",
                        "ServiceMonitor", "PrometheusRule");
        assertThat(rendered).allMatch(m -> m.kind().equals("Namespace")
                || m.document().path("metadata").path("namespace").asText().equals("miteos"), "in namespace miteos");
    }

    @Test
    void aMisspeltKustomizationFieldFails(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("namespace.yaml"), Files.readString(ManifestDocuments.ROOT.resolve("namespace.yaml")));
        Files.writeString(dir.resolve("kustomization.yaml"), """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resourcez:
                  - namespace.yaml
                """);

        assertThat(run(dir, "kubectl", "kustomize", ".").exitCode).isNotZero();
    }

    private static List<Manifest> build(Path dir) {
        Result result = run(dir, "kubectl", "kustomize", ".");
        assertThat(result.exitCode).as("kubectl kustomize " + dir + ":\n" + result.output).isZero();
        return ManifestDocuments.parse(dir.resolve("(kustomize build)"), result.output);
    }

    private record Result(int exitCode, String output) {
    }

    private static Result run(Path dir, String... command) {
        try {
            Path output = Files.createTempFile("kustomize", ".out");
            Process process = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectOutput(output.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (!process.waitFor(1, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within a minute");
            }
            String text = Files.readString(output, StandardCharsets.UTF_8);
            Files.delete(output);
            return new Result(process.exitValue(), text);
        } catch (IOException e) {
            if (command[0].equals("kubectl") && command.length > 1 && command[1].equals("version")) {
                return new Result(-1, e.getMessage());   // not installed
            }
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
