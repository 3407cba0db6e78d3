package com.miteos.e2e.crash;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * How a task ended, as far as the crash test compares it with its reference run.
 *
 * @param status    the terminal status ({@code complete}, {@code failed} or {@code cancelled})
 * @param errorCode {@code error.code} of a failed task, else null
 * @param cost      the task's cost, exactly as the API shows it
 * @param fileNames the names of its deliverables, sorted (duplicates kept)
 */
public record TaskOutcome(String status, String errorCode, BigDecimal cost, List<String> fileNames) {

    /**
     * How long the deliverables listing may lag behind the task's count (the read models catch up
     * apart). The verdict can start as soon as task-service shows every task terminal, while a
     * deliverable-service killed moments before is still waiting for its group to hand it back its
     * partitions (a session timeout, twice if Kafka restarted meanwhile) and then works through its
     * backlog on a loaded machine; a lost file still fails, a minute later.
     */
    private static final Duration FILES_CATCH_UP = Duration.ofSeconds(60);

    public TaskOutcome {
        fileNames = fileNames.stream().sorted().toList();
    }

    /**
     * A terminal task's outcome, from its {@code GET /v1/tasks/{id}} body; its files are read only
     * if it is complete. The two read models catch up independently, so the listing is read again
     * (for a little while) until it holds as many files as the task counts. Null if the files
     * cannot be read.
     */
    public static TaskOutcome read(CrashApi api, String taskId, JsonNode task, Instant deadline)
            throws InterruptedException {
        String status = task.path("status").asText();
        List<String> fileNames = new ArrayList<>();
        if ("complete".equals(status)) {
            int counted = task.path("deliverables_count").asInt();
            Instant catchUp = Instant.now().plus(FILES_CATCH_UP);
            while (true) {
                CrashApi.Answer files = api.getPatiently("/v1/tasks/" + taskId + "/deliverables", deadline);
                if (files == null || files.status() != 200) {
                    return null;
                }
                fileNames.clear();
                files.body().forEach(file -> fileNames.add(file.path("name").asText()));
                if (fileNames.size() >= counted || Instant.now().isAfter(catchUp)) {
                    break;
                }
                Thread.sleep(300);
            }
        }
        String errorCode = task.path("error").path("code").asText(null);
        return new TaskOutcome(status, errorCode, task.path("cost").decimalValue(), fileNames);
    }

    public boolean isComplete() {
        return "complete".equals(status);
    }

    /** Same status, same files (by name, duplicates counted) and the same cost. */
    public boolean matches(TaskOutcome other) {
        return status.equals(other.status) && fileNames.equals(other.fileNames) && cost.compareTo(other.cost) == 0;
    }

    @Override
    public String toString() {
        return status + (errorCode == null ? "" : " (" + errorCode + ")") + ", " + fileNames.size() + " files "
                + fileNames + ", cost " + cost.toPlainString();
    }
}
