package com.miteos.orchestrator.port.files;

/** A file of a task, as a tool shows it: its name in the task and its size. */
public record TaskFile(String name, long sizeBytes) {
}
