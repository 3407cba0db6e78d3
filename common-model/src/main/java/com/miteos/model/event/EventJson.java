package com.miteos.model.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The one JSON mapping of events, shared by producers, consumers and the golden tests, so the
 * wire format cannot drift between services. Timestamps are ISO 8601 strings.
 */
public final class EventJson {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            // Newer producers may add fields; old consumers must still read the event.
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private static final TypeReference<EventEnvelope<EventPayload>> ENVELOPE = new TypeReference<>() {
    };

    private EventJson() {
    }

    public static byte[] toBytes(EventEnvelope<?> envelope) {
        try {
            return MAPPER.writeValueAsBytes(envelope);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("event cannot be serialised: " + envelope.type(), e);
        }
    }

    public static String toJson(EventEnvelope<?> envelope) {
        return new String(toBytes(envelope), StandardCharsets.UTF_8);
    }

    /**
     * Reads an envelope of any registered type.
     *
     * @throws MalformedEventException if the bytes are not a well-formed event
     */
    public static EventEnvelope<EventPayload> fromBytes(byte[] bytes) {
        try {
            EventEnvelope<EventPayload> envelope = MAPPER.readValue(bytes, ENVELOPE);
            if (envelope.eventId() == null || envelope.taskId() == null || envelope.payload() == null) {
                throw new MalformedEventException("event lacks event_id, task_id or payload");
            }
            return envelope;
        } catch (JsonProcessingException e) {
            throw new MalformedEventException("not a Miteos event: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new MalformedEventException("not a Miteos event: " + e.getMessage(), e);
        }
    }

    public static EventEnvelope<EventPayload> fromJson(String json) {
        return fromBytes(json.getBytes(StandardCharsets.UTF_8));
    }
}
