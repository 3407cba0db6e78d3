package com.miteos.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The local stack's Kafka broker ({@link Stack#kafkaBootstrap()}) through the {@code kcat}
 * command-line client, which the launcher needs anyway: records written as {@code key|value}
 * lines, and a topic read from its beginning, each record with its partition, offset and headers.
 */
final class Kcat {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One record as kcat's JSON envelope ({@code -J}) shows it. */
    record Record(String topic, int partition, long offset, Map<String, String> headers, String key, String value) {
    }

    private Kcat() {
    }

    /** Writes one record per line of {@code keyedLines}, each {@code key|value}. */
    static void produce(String topic, String keyedLines) throws IOException, InterruptedException {
        Process kcat = new ProcessBuilder("kcat", "-b", Stack.kafkaBootstrap(), "-P", "-t", topic, "-K", "|")
                .redirectErrorStream(true).start();
        try (OutputStream in = kcat.getOutputStream()) {
            in.write(keyedLines.getBytes(StandardCharsets.UTF_8));
        }
        String output = new String(kcat.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(kcat.waitFor(60, TimeUnit.SECONDS)).as("kcat -P finished").isTrue();
        assertThat(kcat.exitValue()).as(output).isZero();
    }

    /** Every record of the topic at this moment, in partition and offset order. */
    static List<Record> records(String topic) throws IOException, InterruptedException {
        Process kcat = new ProcessBuilder("kcat", "-b", Stack.kafkaBootstrap(), "-C", "-t", topic,
                "-o", "beginning", "-e", "-q", "-J").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<Record> records = new ArrayList<>();
        String output = new String(kcat.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(kcat.waitFor(60, TimeUnit.SECONDS)).as("kcat -C finished").isTrue();
        assertThat(kcat.exitValue()).as("kcat -C " + topic + " exit status").isZero();
        for (String line : output.split("\n")) {
            if (!line.isBlank()) {
                records.add(parse(line));
            }
        }
        return records;
    }

    private static Record parse(String line) {
        try {
            JsonNode record = JSON.readTree(line);
            Map<String, String> headers = new LinkedHashMap<>();
            JsonNode pairs = record.path("headers");
            for (int i = 0; i + 1 < pairs.size(); i += 2) {
                headers.put(pairs.get(i).asText(), pairs.get(i + 1).asText(null));
            }
            return new Record(record.path("topic").asText(), record.path("partition").asInt(),
                    record.path("offset").asLong(), headers, record.path("key").asText(null),
                    record.path("payload").asText(null));
        } catch (IOException e) {
            throw new UncheckedIOException("kcat printed a line that is not JSON: " + line, e);
        }
    }
}
