package com.miteos.gateway.config;

import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.MDC;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;

/** Log records name OpenTelemetry's MDC ids trace_id and span_id; the thread's MDC is left as it is. */
class TraceIdsInLogsTest {

    @AfterEach
    void clear() {
        MDC.clear();
    }

    @Test
    void theRecordCarriesTraceIdAndSpanIdBesideTheOtherFields() {
        MDC.put("traceId", "4bf92f3577b34da6a3ce929d0e0e4736");
        MDC.put("spanId", "00f067aa0ba902b7");
        MDC.put("sampled", "true");
        MDC.put("task_id", "task_1");
        ExtLogRecord record = new ExtLogRecord(Level.INFO, "accepted", ExtLogRecord.FormatStyle.NO_FORMAT,
                TraceIdsInLogsTest.class.getName());

        assertThat(new TraceIdsInLogs().isLoggable(record)).isTrue();

        assertThat(record.getMdcCopy()).containsOnly(
                java.util.Map.entry("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736"),
                java.util.Map.entry("span_id", "00f067aa0ba902b7"),
                java.util.Map.entry("task_id", "task_1"));
        assertThat(MDC.get("traceId")).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    }

    @Test
    void aRecordOutsideATraceIsLeftAlone() {
        MDC.put("task_id", "task_1");
        ExtLogRecord record = new ExtLogRecord(Level.INFO, "idle", ExtLogRecord.FormatStyle.NO_FORMAT,
                TraceIdsInLogsTest.class.getName());

        assertThat(new TraceIdsInLogs().isLoggable(record)).isTrue();

        assertThat(record.getMdcCopy()).containsOnlyKeys("task_id");
    }
}
