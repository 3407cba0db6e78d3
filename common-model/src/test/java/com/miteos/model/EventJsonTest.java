package com.miteos.model;

import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.EventJson;
import com.miteos.model.event.EventTypes;
import com.miteos.model.event.MalformedEventException;
import com.miteos.model.event.TaskCancelRequested;
import com.miteos.model.task.Mode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventJsonTest {

    @Test
    void envelopeTakesItsTypeFromThePayload() {
        EventEnvelope<TaskCancelRequested> envelope = EventEnvelope.of("task_01hwxyz4k8p3mq9rbn2csved",
                "acct_01hwxyz4k8p3mq9rbn2csvec", Mode.TEST, 0, new TaskCancelRequested("client_request"));

        assertThat(envelope.type()).isEqualTo(EventTypes.TASK_CANCEL_REQUESTED);
        assertThat(envelope.eventId()).startsWith("evt_").hasSize(30);
        assertThat(EventJson.fromBytes(EventJson.toBytes(envelope))).isEqualTo(envelope);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "not json",
            "[]",
            "{}",
            "{\"event_id\":\"evt_1\",\"type\":\"NoSuchEvent\",\"task_id\":\"task_1\",\"payload\":{}}",
            "{\"event_id\":\"evt_1\",\"type\":\"TaskStatusChanged\",\"task_id\":\"task_1\",\"payload\":{\"status\":\"sideways\",\"agents\":[]}}",
            "{\"event_id\":\"evt_1\",\"type\":\"TaskCancelRequested\",\"task_id\":\"task_1\",\"mode\":\"staging\",\"payload\":{}}"
    })
    void malformedRecordsAreReportedAsSuch(String json) {
        assertThatThrownBy(() -> EventJson.fromJson(json)).isInstanceOf(MalformedEventException.class);
    }
}
