package com.miteos.deploy.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;

/**
 * One YAML document of a manifest file (a file may hold several, separated by {@code ---}), with
 * where it came from so that a failure names the file and the object.
 */
record Manifest(Path file, int index, JsonNode document) {

    String apiVersion() {
        return document.path("apiVersion").asText();
    }

    String kind() {
        return document.path("kind").asText();
    }

    String name() {
        return document.path("metadata").path("name").asText();
    }

    /** The API group: "" for the core group ({@code v1}), else the part before the slash. */
    String group() {
        String apiVersion = apiVersion();
        int slash = apiVersion.indexOf('/');
        return slash < 0 ? "" : apiVersion.substring(0, slash);
    }

    boolean isKustomization() {
        return group().equals("kustomize.config.k8s.io");
    }

    @Override
    public String toString() {
        return file + " #" + index + " " + kind() + "/" + name();
    }
}
