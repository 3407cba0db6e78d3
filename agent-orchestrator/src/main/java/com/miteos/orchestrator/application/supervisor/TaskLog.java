package com.miteos.orchestrator.application.supervisor;

import io.quarkus.logging.Log;
import org.jboss.logging.MDC;

/** What happens to a task, logged with its id in the MDC ({@code task_id}). */
final class TaskLog {

    private TaskLog() {
    }

    static void info(String taskId, String what) {
        MDC.put("task_id", taskId);
        try {
            Log.infof("task %s: %s", taskId, what);
        } finally {
            MDC.remove("task_id");
        }
    }
}
