package com.miteos.orchestrator.domain.run;

import com.miteos.orchestrator.domain.files.FileNames;

import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Room for a task's files under its limits: names reserved (unique in the task), bytes
 * reserved, and the name each tool call was given, so that a call repeated after a crash gets
 * the same name again.
 */
final class FileQuota {

    private final Set<String> reservedNames = new LinkedHashSet<>();
    private long reservedBytes;
    private final Map<String, String> namesByCall = new LinkedHashMap<>();

    void restore(RunState state) {
        reservedNames.addAll(state.reservedNames());
        reservedBytes = state.reservedBytes();
        namesByCall.putAll(state.filesByCall());
    }

    List<String> reservedNames() {
        return List.copyOf(reservedNames);
    }

    long reservedBytes() {
        return reservedBytes;
    }

    /** The names given, by tool call id, in the order they were given. */
    Map<String, String> namesByCall() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(namesByCall));
    }

    Optional<String> nameGivenTo(String callId) {
        return Optional.ofNullable(callId == null ? null : namesByCall.get(callId));
    }

    /** Reserves room for a new file; the name is made unique in the task and remembered for {@code callId}. */
    FileReservation reserve(String name, long bytes, int maxCount, long maxTotalBytes, String callId) {
        if (reservedNames.size() >= maxCount) {
            return FileReservation.refused("this task may write at most " + maxCount + " files");
        }
        if (reservedBytes + bytes > maxTotalBytes) {
            return FileReservation.refused("this task may write at most " + maxTotalBytes + " bytes in all");
        }
        reservedBytes += bytes;
        String unique = FileNames.unique(name, new HashSet<>(reservedNames));
        reservedNames.add(unique);
        if (callId != null) {
            namesByCall.put(callId, unique);
        }
        return FileReservation.granted(unique);
    }
}
