package com.miteos.orchestrator.application.supervisor;

import com.miteos.orchestrator.domain.run.TaskRun;
import io.quarkus.logging.Log;
import org.jboss.logging.MDC;

/**
 * What happens to a task, logged with its ids in the MDC: {@code task_id}, and {@code account_id}
 * where it is known (a run knows it; a command's consumer puts it in the MDC of the record's processing).
 * The MDC is left as it was found.
 */
final class TaskLog {

    private TaskLog() {
    }

    static void info(TaskRun run, String what) {
        log(run.taskId(), run.accountId(), what);
    }

    static void info(String taskId, String what) {
        log(taskId, null, what);
    }

    private static void log(String taskId, String accountId, String what) {
        Object previousTask = MDC.get("task_id");
        Object previousAccount = MDC.get("account_id");
        MDC.put("task_id", taskId);
        if (accountId != null) {
            MDC.put("account_id", accountId);
        }
        try {
            Log.infof("task %s: %s", taskId, what);
        } finally {
            restore("task_id", previousTask);
            restore("account_id", previousAccount);
        }
    }

    private static void restore(String key, Object previous) {
        if (previous == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, previous);
        }
    }
}
