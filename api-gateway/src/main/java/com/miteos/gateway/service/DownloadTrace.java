package com.miteos.gateway.service;

import com.miteos.gateway.domain.Caller;
import com.miteos.gateway.messaging.TraceParents;
import com.miteos.gateway.repository.TaskSubmission;
import com.miteos.gateway.repository.TaskSubmissionRepository;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Puts a deliverable's download into its task's trace. The client's request carries no
 * {@code traceparent} of the task (it is a new request, often much later, from anywhere), so its
 * HTTP server span starts a trace of its own; the {@code download deliverable} span is made a child
 * of the context stored with the task's submission, the POST's, and links to the request's span,
 * so the task's trace shows the download and the request's trace leads to the task. A task the
 * gateway has no context for gets the span under the request instead. Tracing never fails a download.
 */
@ApplicationScoped
public class DownloadTrace {

    private final TaskSubmissionRepository submissions;
    private final Tracer tracer;

    public DownloadTrace(TaskSubmissionRepository submissions, Tracer tracer) {
        this.submissions = submissions;
        this.tracer = tracer;
    }

    /** Starts the download's span; {@code request}: the context of the HTTP request (its server span). */
    public Uni<Span> start(Context request, Caller caller, String taskId, String fileId) {
        return submissions.find(caller, taskId)
                .map(submission -> submission == null ? null : submission.traceparent())
                .onFailure().recoverWithItem(e -> {
                    Log.debugf("task %s: no trace context for its download: %s", taskId, e.toString());
                    return null;
                })
                .map(traceparent -> {
                    SpanContext requestSpan = Span.fromContext(request).getSpanContext();
                    Context parent = traceparent == null ? request : TraceParents.parse(traceparent);
                    SpanBuilder span = tracer.spanBuilder("download deliverable")
                            .setParent(parent)
                            .setAttribute("miteos.task_id", taskId)
                            .setAttribute("miteos.deliverable_id", fileId)
                            .setAttribute("miteos.account_id", caller.accountId());
                    if (traceparent != null && requestSpan.isValid()) {
                        span.addLink(requestSpan);
                    }
                    return span.startSpan();
                });
    }

    /** Ends the span with the response's status; a server error marks it failed. */
    public static void end(Span span, int status) {
        span.setAttribute("http.response.status_code", status);
        if (status >= 500) {
            span.setStatus(StatusCode.ERROR);
        }
        span.end();
    }
}
