package com.miteos.orchestrator.domain.run;

import com.miteos.model.event.EventEnvelope;

import java.util.List;

/**
 * One change of a task, to be written in one transaction: the run's state after it, the events
 * it implies, and the agent conversation it completed, if any.
 */
public record JournalEntry(String taskId, RunState state, List<EventEnvelope<?>> events, Checkpoint checkpoint) {

    public JournalEntry {
        events = List.copyOf(events);
    }
}
