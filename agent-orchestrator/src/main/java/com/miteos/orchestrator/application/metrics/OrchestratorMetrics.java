package com.miteos.orchestrator.application.metrics;

import com.miteos.model.task.Mode;
import com.miteos.model.task.TaskError;
import com.miteos.model.task.TaskStatus;
import com.miteos.orchestrator.domain.run.RunJournal;
import com.miteos.orchestrator.domain.run.RunState;
import com.miteos.orchestrator.domain.run.TaskRun;
import com.miteos.orchestrator.port.llm.ModelProvider;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.function.Supplier;

/**
 * The orchestrator's domain metrics (README, "Observability"): how tasks end and how long they
 * take, agents at work, model calls, tool calls, cost, and commands sent to the dead-letter topic.
 * Tags are low-cardinality on purpose: mode, status, error code, model, purpose, tool, outcome;
 * never a task, agent or account id. The facts reach it through three hooks: each run's journal
 * ({@link #meter}: what became durable, so a fact is counted once however often it is retried),
 * the model ({@link #metered}) and the tool call ({@link #toolCall}).
 */
@ApplicationScoped
public class OrchestratorMetrics {

    /** Tool call outcomes: the tool answered; it reported a failure to the model; it threw unexpectedly. */
    static final String OK = "ok";
    static final String ERROR = "error";
    static final String EXCEPTION = "exception";

    private static final Duration[] TASK_DURATION_BUCKETS = seconds(1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600);
    private static final Duration[] FIRST_STEP_BUCKETS = seconds(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300);
    static final Duration[] MODEL_CALL_BUCKETS = seconds(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120);

    private final MeterRegistry registry;

    public OrchestratorMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * The journal of one run, observed: every entry that becomes durable is looked at once.
     * {@code restored} is the state a restored run goes on from (null for a new one), and
     * {@code stepTaken} whether an agent of it had made a step by then.
     */
    public RunJournal meter(RunJournal journal, Mode mode, Instant acceptedAt, RunState restored, boolean stepTaken) {
        return new RunMeter(journal, this, mode, acceptedAt, restored, stepTaken);
    }

    /** The model, with each call timed and its tokens counted. */
    public ModelProvider metered(ModelProvider model) {
        return new MeteredModel(model, registry);
    }

    /** Runs one tool call and counts it by tool and outcome; the call's result or failure passes through. */
    public Uni<String> toolCall(String tool, Supplier<Uni<String>> call, Class<? extends Throwable> reportedFailure) {
        Uni<String> result;
        try {
            result = call.get();
        } catch (RuntimeException e) {
            count(tool, reportedFailure.isInstance(e) ? ERROR : EXCEPTION);
            throw e;
        }
        return result.onItemOrFailure().invoke((text, failure) -> count(tool,
                failure == null ? OK : reportedFailure.isInstance(failure) ? ERROR : EXCEPTION));
    }

    /** Agents of the runs this instance holds that have not finished (queued, thinking, acting, waiting). */
    public void watchAgents(Supplier<Collection<TaskRun>> runs) {
        Gauge.builder("miteos.agents.active", runs, r -> r.get().stream().mapToInt(TaskRun::activeAgents).sum())
                .description("Agents of the tasks this orchestrator instance runs that have not finished yet")
                // Micrometer holds a gauge's object weakly; nothing else holds this supplier.
                .strongReference(true)
                .register(registry);
    }

    /** A command record that cannot be read went to the dead-letter topic. */
    public void deadLettered(String group, String reason) {
        Counter.builder("miteos.dlq.records")
                .description("Records a consumer could not process and sent to the dead-letter topic task.dlq")
                .baseUnit("records")
                .tags("group", group, "reason", reason)
                .register(registry).increment();
    }

    /** A task ended; {@code sinceAccepted} is null when its acceptance time is unknown (then it is not timed). */
    void ended(Mode mode, TaskStatus status, TaskError error, Duration sinceAccepted) {
        String modeTag = mode.value();
        switch (status) {
            case COMPLETE -> Counter.builder("miteos.tasks.completed")
                    .description("Tasks that ended complete")
                    .tags("mode", modeTag).register(registry).increment();
            case CANCELLED -> Counter.builder("miteos.tasks.cancelled")
                    .description("Tasks that ended cancelled")
                    .tags("mode", modeTag).register(registry).increment();
            default -> Counter.builder("miteos.tasks.failed")
                    .description("Tasks that ended failed, by the error code they show")
                    .tags("mode", modeTag, "error_code", error == null ? "unknown" : error.code())
                    .register(registry).increment();
        }
        if (sinceAccepted == null) {
            return;
        }
        Timer.builder("miteos.task.duration")
                .description("Time from a task's acceptance by the API to its end (complete, failed or cancelled)")
                .serviceLevelObjectives(TASK_DURATION_BUCKETS)
                .tags("mode", modeTag, "status", status.value())
                .register(registry).record(nonNegative(sinceAccepted));
    }

    void firstStep(Mode mode, Duration sinceAccepted) {
        Timer.builder("miteos.task.first.step")
                .description("Time from a task's acceptance by the API to its first recorded agent step")
                .serviceLevelObjectives(FIRST_STEP_BUCKETS)
                .tags("mode", mode.value())
                .register(registry).record(nonNegative(sinceAccepted));
    }

    void charged(Mode mode, BigDecimal credits) {
        Counter.builder("miteos.cost")
                .description("Cost charged to tasks (credits of the price table, which are US dollars), sandbox included")
                .baseUnit("usd")
                .tags("mode", mode.value())
                .register(registry).increment(credits.doubleValue());
    }

    private void count(String tool, String outcome) {
        Counter.builder("miteos.tool.calls")
                .description("Tool calls made by agents, by tool and outcome (ok; error: reported to the model; "
                        + "exception: failed the agent)")
                .baseUnit("calls")
                .tags("tool", tool, "outcome", outcome)
                .register(registry).increment();
    }

    private static Duration nonNegative(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }

    private static Duration[] seconds(double... values) {
        Duration[] buckets = new Duration[values.length];
        for (int i = 0; i < values.length; i++) {
            buckets[i] = Duration.ofNanos(Math.round(values[i] * 1_000_000_000L));
        }
        return buckets;
    }
}
