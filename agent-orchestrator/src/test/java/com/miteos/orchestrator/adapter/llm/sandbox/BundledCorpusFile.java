package com.miteos.orchestrator.adapter.llm.sandbox;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The documents of the bundled {@code sandbox/corpus.json}, read straight from the file, so that
 * tests can check what the corpus holds while {@link SandboxCorpus} only answers searches.
 */
final class BundledCorpusFile {

    private BundledCorpusFile() {
    }

    static List<CorpusDocument> documents() {
        try (InputStream json = BundledCorpusFile.class.getClassLoader().getResourceAsStream(SandboxCorpus.RESOURCE)) {
            ObjectMapper mapper = new ObjectMapper();
            return mapper.convertValue(mapper.readTree(json).get("documents"), new TypeReference<>() {
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
