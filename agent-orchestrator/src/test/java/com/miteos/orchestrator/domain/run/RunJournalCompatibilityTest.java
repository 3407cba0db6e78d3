package com.miteos.orchestrator.domain.run;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.miteos.model.task.Mode;
import com.miteos.model.task.TaskConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Run states in the journal outlive the code that wrote them. Each file under {@code run/} is a
 * state as an earlier build wrote it (planning, running with files and costs, paused by the user,
 * awaiting approval, approved, and ended three ways): a run restored from it must write it back
 * byte for byte, so a restart neither loses nor reshapes anything.
 */
class RunJournalCompatibilityTest {

    /** Configured as Quarkus configures its mapper: ISO dates, unknown properties ignored. */
    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final Pattern FILES_BY_CALL = Pattern.compile("\"files_by_call\":\\{([^{}]*)}");

    @ParameterizedTest
    @ValueSource(strings = {"planning", "running", "paused-by-user", "paused-awaiting-approval", "plan-approved",
            "failed", "complete", "cancelled"})
    void aStoredStateIsRestoredAndWrittenBackIdentically(String name) throws IOException {
        String stored = golden(name + ".json");

        RunState read = JSON.readValue(stored, RunState.class);
        TaskRun run = TaskRun.restore("task_golden", "acct_golden", Mode.TEST, "p",
                new TaskConfig(2, 50, true, "s3://b/x", null), entry -> CompletableFuture.completedFuture(null),
                read, List.of());

        assertThat(canonical(JSON.writeValueAsString(read))).as("the state itself").isEqualTo(canonical(stored));
        assertThat(canonical(JSON.writeValueAsString(run.state()))).as("the restored run's state")
                .isEqualTo(canonical(stored));
    }

    /**
     * The text as it is, except that the entries of {@code files_by_call} are sorted: builds
     * before the split wrote that map from {@code Map.copyOf}, whose order changes from one JVM
     * to the next (now it is the order the names were given), and no reader depends on it.
     * Numbers keep their exact form.
     */
    private static String canonical(String text) {
        Matcher byCall = FILES_BY_CALL.matcher(text.strip());
        assertThat(byCall.find()).as("files_by_call in " + text).isTrue();
        String entries = byCall.group(1).isEmpty() ? ""
                : Arrays.stream(byCall.group(1).split(",")).sorted().collect(Collectors.joining(","));
        return byCall.replaceFirst(Matcher.quoteReplacement("\"files_by_call\":{" + entries + "}"));
    }

    private static String golden(String name) throws IOException {
        try (InputStream in = RunJournalCompatibilityTest.class.getResourceAsStream("/run/" + name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
