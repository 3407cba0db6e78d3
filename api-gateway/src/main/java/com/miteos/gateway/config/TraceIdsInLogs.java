package com.miteos.gateway.config;

import io.quarkus.logging.LoggingFilter;
import org.jboss.logmanager.ExtLogRecord;

import java.util.logging.Filter;
import java.util.logging.LogRecord;

/**
 * Names the trace ids in the logs as our other MDC fields are named ({@code trace_id}, {@code span_id}
 * beside {@code task_id}, {@code account_id}): Quarkus's OpenTelemetry puts them in the MDC as
 * {@code traceId} and {@code spanId} (with {@code parentId} and {@code sampled}, which we leave out),
 * and the JSON formatter has no setting to rename MDC keys. It filters nothing.
 */
@LoggingFilter(name = "trace-ids")
public final class TraceIdsInLogs implements Filter {

    @Override
    public boolean isLoggable(LogRecord record) {
        if (record instanceof ExtLogRecord ext) {
            ext.copyMdc(); // the record's own copy from here on: the thread's MDC stays as it is
            rename(ext, "traceId", "trace_id");
            rename(ext, "spanId", "span_id");
            ext.removeMdc("parentId");
            ext.removeMdc("sampled");
        }
        return true;
    }

    private static void rename(ExtLogRecord record, String from, String to) {
        String value = record.removeMdc(from);
        if (value != null) {
            record.putMdc(to, value);
        }
    }
}
