package com.miteos.deploy.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads the Kubernetes manifests: every {@code .yaml}/{@code .yml} file under
 * {@code deploy/kubernetes}, examples and sub-directories included, split into its documents.
 */
final class ManifestDocuments {

    /** Tests run in the deploy module's directory. */
    static final Path ROOT = Path.of("kubernetes");

    private static final YAMLMapper YAML = new YAMLMapper();

    private ManifestDocuments() {
    }

    /** Every manifest file, in a stable order. */
    static List<Path> files() {
        try (Stream<Path> paths = Files.walk(ROOT)) {
            List<Path> files = paths.filter(Files::isRegularFile)
                    .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .sorted()
                    .toList();
            if (files.isEmpty()) {
                throw new IllegalStateException("no manifests under " + ROOT.toAbsolutePath());
            }
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every document of every manifest file. */
    static List<Manifest> all() {
        List<Manifest> all = new ArrayList<>();
        for (Path file : files()) {
            try {
                all.addAll(parse(file, Files.readString(file)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return all;
    }

    /** The documents of one YAML stream; documents that hold only comments are skipped. */
    static List<Manifest> parse(Path source, String yaml) {
        List<Manifest> documents = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            int index = 0;
            while (it.hasNextValue()) {
                JsonNode document = it.nextValue();
                if (document != null && !document.isNull() && !document.isMissingNode() && !document.isEmpty()) {
                    documents.add(new Manifest(source, index, document));
                }
                index++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + source, e);
        }
        return documents;
    }

    /** The one document of this kind and name; fails when there is none or more than one. */
    static Manifest find(List<Manifest> manifests, String kind, String name) {
        List<Manifest> found = manifests.stream()
                .filter(m -> m.kind().equals(kind) && m.name().equals(name))
                .toList();
        if (found.size() != 1) {
            throw new AssertionError("expected one " + kind + "/" + name + ", found " + found);
        }
        return found.get(0);
    }
}
