package com.miteos.deploy.kubernetes;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The CustomResourceDefinitions of the Strimzi resources our examples use, made the way Strimzi
 * makes the CRDs it ships: its {@code crd-generator} run over the model classes of its
 * {@code api} artifact (a test dependency; versions in the parent POM). The generator is a shaded
 * jar that ends with {@code System.exit}: Maven copies it to {@code target/strimzi-crd-generator}
 * (deploy/pom.xml) and it runs in a child JVM, after the test class path so that the model
 * classes see the Jackson and fabric8 versions they were built for. Offline, a few seconds.
 */
final class StrimziCrds {

    /** Model class to file name; the kafka.strimzi.io/v1 API only. */
    private static final Map<String, String> MODELS = Map.of(
            "io.strimzi.api.kafka.model.kafka.Kafka", "kafka.yaml",
            "io.strimzi.api.kafka.model.nodepool.KafkaNodePool", "kafkanodepool.yaml",
            "io.strimzi.api.kafka.model.topic.KafkaTopic", "kafkatopic.yaml");

    private StrimziCrds() {
    }

    /** Generates the CRDs into {@code target/strimzi-crds} and parses them. */
    static List<Manifest> generate() {
        Path dir = Path.of("target", "strimzi-crds");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", generatorClassPath(),
                "io.strimzi.crdgenerator.CrdGenerator",
                "--target-kube", "1.16+",
                "--crd-api-version", "v1",
                "--api-versions", "v1",
                "--storage-version", "v1",
                "--yaml"));
        MODELS.forEach((model, file) -> command.add(model + "=" + dir.resolve(file)));
        try {
            Files.createDirectories(dir);
            Path log = dir.resolve("generator.log");
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("Strimzi's crd-generator did not finish within 2 minutes");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("Strimzi's crd-generator failed:\n"
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
            List<Manifest> crds = new ArrayList<>();
            for (String file : MODELS.values()) {
                Path path = dir.resolve(file);
                crds.addAll(ManifestDocuments.parse(path, Files.readString(path)));
            }
            return crds;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The test class path, then the generator's jar. */
    private static String generatorClassPath() {
        Path dir = Path.of("target", "strimzi-crd-generator");
        try (Stream<Path> jars = Files.list(dir)) {
            List<String> generator = jars.map(Path::toString).filter(p -> p.endsWith(".jar")).toList();
            if (generator.size() != 1) {
                throw new IllegalStateException("expected the crd-generator jar in " + dir + ", found " + generator);
            }
            // Surefire names the real class path here; java.class.path may be its manifest-only jar.
            String testClassPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            return testClassPath + File.pathSeparator + generator.get(0);
        } catch (IOException e) {
            throw new UncheckedIOException(dir + " missing: run the tests through Maven (deploy/pom.xml copies the jar)", e);
        }
    }
}
