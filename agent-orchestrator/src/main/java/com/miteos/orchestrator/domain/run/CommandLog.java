package com.miteos.orchestrator.domain.run;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Pause and resume commands applied, by event id, so that a redelivered one does nothing. */
final class CommandLog {

    static final int REMEMBERED_COMMANDS = 100;

    private final Set<String> applied = new LinkedHashSet<>();

    void restore(List<String> commandIds) {
        applied.addAll(commandIds);
    }

    List<String> snapshot() {
        return List.copyOf(applied);
    }

    /** Whether a command is new to this task; it is remembered if so (the oldest is forgotten past the limit). */
    boolean firstTime(String commandId) {
        if (commandId == null) {
            return true;
        }
        if (applied.contains(commandId)) {
            return false;
        }
        applied.add(commandId);
        if (applied.size() > REMEMBERED_COMMANDS) {
            applied.remove(applied.iterator().next());
        }
        return true;
    }
}
