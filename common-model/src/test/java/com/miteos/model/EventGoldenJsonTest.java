package com.miteos.model;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.miteos.model.event.DeliverableCreated;
import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.EventJson;
import com.miteos.model.event.EventPayload;
import com.miteos.model.event.TaskCancelRequested;
import com.miteos.model.event.TaskCreated;
import com.miteos.model.event.TaskPauseRequested;
import com.miteos.model.event.TaskResumeRequested;
import com.miteos.model.event.TaskStatusChanged;
import com.miteos.model.task.AgentState;
import com.miteos.model.task.AgentStatus;
import com.miteos.model.task.Deployment;
import com.miteos.model.task.Mode;
import com.miteos.model.task.PendingAction;
import com.miteos.model.task.SandboxConfig;
import com.miteos.model.task.SandboxOutcome;
import com.miteos.model.task.StatusDetail;
import com.miteos.model.task.TaskConfig;
import com.miteos.model.task.TaskError;
import com.miteos.model.task.TaskStatus;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pins the wire format of every event: each golden file must read into exactly the expected
 * record, and that record must write back to the same JSON. A change to a contract that would
 * break other services' consumers fails here first.
 */
class EventGoldenJsonTest {

    private static final String TASK = "task_01hwxyz4k8p3mq9rbn2csved";
    private static final String ACCOUNT = "acct_01hwxyz4k8p3mq9rbn2csvec";

    private static final ObjectMapper TREES = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    static Stream<Arguments> goldenEvents() {
        return Stream.of(
                Arguments.of("task-created.json", envelope("evt_01hwxyz4k8p3mq9rbn2csvea", Mode.TEST, 0,
                        "2025-01-15T10:23:44Z",
                        new TaskCreated(
                                "Research the top 5 open-source vector databases and produce a comparison report as a Markdown file.",
                                new TaskConfig(3, 70, false, null, new SandboxConfig(250, SandboxOutcome.COMPLETE),
                                        new BigDecimal("1.5")),
                                Instant.parse("2025-01-15T10:23:44Z")))),
                Arguments.of("task-cancel-requested.json", envelope("evt_01hwxyz4k8p3mq9rbn2csveb", Mode.LIVE, 0,
                        "2025-01-15T10:30:00Z",
                        new TaskCancelRequested(TaskCancelRequested.CLIENT_REQUEST))),
                Arguments.of("task-pause-requested.json", envelope("evt_01hwxyz4k8p3mq9rbn2csveh", Mode.LIVE, 0,
                        "2025-01-15T10:28:12Z",
                        new TaskPauseRequested(TaskPauseRequested.CLIENT_REQUEST))),
                Arguments.of("task-resume-requested.json", envelope("evt_01hwxyz4k8p3mq9rbn2csvej", Mode.LIVE, 0,
                        "2025-01-15T10:29:40.500Z",
                        new TaskResumeRequested("Leave Milvus out; focus on licences and hosting costs.",
                                new BigDecimal("2.5")))),
                Arguments.of("task-status-changed.json", envelope("evt_01hwxyz4k8p3mq9rbn2csvee", Mode.LIVE, 7,
                        "2025-01-15T10:25:01.250Z",
                        new TaskStatusChanged(TaskStatus.RUNNING, List.of(
                                new AgentState("agnt_01hwxyz9r4m7nk2tsd6pvqcbaa", "researcher", AgentStatus.ACTING,
                                        "web_search", 45, null),
                                new AgentState("agnt_01hwxyz9r4m7nk2tsd6pvqcbab", "writer", AgentStatus.QUEUED,
                                        null, 0, null)),
                                new BigDecimal("0.042"), 0, null, null, null,
                                Instant.parse("2025-01-15T10:25:01.250Z")))),
                Arguments.of("task-status-failed.json", envelope("evt_01hwxyz4k8p3mq9rbn2csvef", Mode.TEST, 12,
                        "2025-01-15T10:26:00Z",
                        new TaskStatusChanged(TaskStatus.FAILED, List.of(), new BigDecimal("0.013"), 1,
                                new TaskError("sandbox_failure",
                                        "The sandbox run was configured to fail (config.sandbox.outcome = \"fail\")."),
                                null, null, Instant.parse("2025-01-15T10:26:00Z")))),
                Arguments.of("task-status-paused.json", envelope("evt_01hwxyz4k8p3mq9rbn2csvek", Mode.TEST, 2,
                        "2025-01-15T10:23:52Z",
                        new TaskStatusChanged(TaskStatus.PAUSED, List.of(), new BigDecimal("0.004"), 0, null,
                                StatusDetail.awaitingApproval(new PendingAction(PendingAction.PLAN, "Three agents will "
                                        + "research, compare and write up the top 5 open-source vector databases.",
                                        List.of("researcher: find the top 5 open-source vector databases",
                                                "analyst: compare performance, licences and hosting options",
                                                "writer: write vector-database-comparison.md"),
                                        null)),
                                null, Instant.parse("2025-01-15T10:23:52Z")))),
                Arguments.of("task-status-budget-exhausted.json", envelope("evt_01hwxyz4k8p3mq9rbn2csven", Mode.LIVE,
                        6, "2025-01-15T10:24:30Z",
                        new TaskStatusChanged(TaskStatus.PAUSED, List.of(), new BigDecimal("0.95"), 0, null,
                                StatusDetail.budgetExhausted(new BigDecimal("0.95"), new BigDecimal("1")),
                                null, Instant.parse("2025-01-15T10:24:30Z")))),
                Arguments.of("task-status-deployed.json", envelope("evt_01hwxyz4k8p3mq9rbn2csvem", Mode.LIVE, 15,
                        "2025-01-15T10:48:03.120Z",
                        new TaskStatusChanged(TaskStatus.COMPLETE, List.of(
                                new AgentState("agnt_01hwxyz9r4m7nk2tsd6pvqcbab", "writer", AgentStatus.DONE, null,
                                        100, null)),
                                new BigDecimal("0.087"), 1, null, null,
                                new Deployment("s3://reports/vector-databases", Deployment.SUCCEEDED,
                                        "https://reports.s3.amazonaws.com/vector-databases/index.html", null),
                                Instant.parse("2025-01-15T10:48:03.120Z")))),
                Arguments.of("deliverable-created.json", envelope("evt_01hwxyz4k8p3mq9rbn2csveg", Mode.TEST, 9,
                        "2025-01-15T10:47:11Z",
                        new DeliverableCreated("dlvr_01hwxyzb2c9pk5rt8nv7gmwxqa", "agnt_01hwxyz9r4m7nk2tsd6pvqcbab",
                                "vector-database-comparison.md", "text/markdown", 14823,
                                ACCOUNT + "/test/" + TASK + "/dlvr_01hwxyzb2c9pk5rt8nv7gmwxqa",
                                Instant.parse("2025-01-15T10:47:11Z")))));
    }

    @ParameterizedTest(name = "{0} reads into the expected record")
    @MethodSource("goldenEvents")
    void goldenFileReadsIntoTheExpectedRecord(String file, EventEnvelope<?> expected) throws IOException {
        EventEnvelope<EventPayload> read = EventJson.fromBytes(golden(file));

        assertThat(read).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} is what the record writes")
    @MethodSource("goldenEvents")
    void recordWritesTheGoldenJson(String file, EventEnvelope<?> expected) throws IOException {
        JsonNode written = TREES.readTree(EventJson.toBytes(expected));

        assertThat(written).isEqualTo(TREES.readTree(golden(file)));
    }

    private static EventEnvelope<EventPayload> envelope(String eventId, Mode mode, long sequence, String at,
            EventPayload payload) {
        return new EventEnvelope<>(eventId, payload.eventType(), TASK, ACCOUNT, mode, sequence, Instant.parse(at),
                payload);
    }

    private static byte[] golden(String file) throws IOException {
        try (InputStream in = EventGoldenJsonTest.class.getResourceAsStream("/golden/" + file)) {
            assertThat(in).as("golden file %s", file).isNotNull();
            return in.readAllBytes();
        }
    }
}
