package com.miteos.e2e.crash;

import java.math.BigDecimal;
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

    public TaskOutcome {
        fileNames = fileNames.stream().sorted().toList();
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
