package com.miteos.orchestrator.application.tracing;

import com.miteos.orchestrator.config.OrchestratorConfig;
import com.miteos.orchestrator.domain.cost.CostMeter;
import com.miteos.orchestrator.domain.run.TaskRun;
import com.miteos.orchestrator.port.llm.ModelProvider;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The spans of a task's run in the orchestrator (README, "Tracing"). Each run segment, the work one
 * process does on the task, is a {@code miteos.task.run} span whose parent is the context stored
 * with the task (the consumer span of its {@code task.created} record): a run resumed after a
 * restart or by another instance is a second such span in the same trace, marked
 * {@code miteos.resumed}, not a new trace. Under it: {@code miteos.plan}, one
 * {@code invoke_agent <type>} per agent conversation (the writer's synthesis too), under those
 * {@code chat <model>} per model call ({@link TracedModel}) and {@code execute_tool <tool>} per
 * tool call, named as the OpenTelemetry GenAI semantic conventions name them.
 */
@ApplicationScoped
public class RunTracer {

    /** Tool-call outcomes, the values of {@code miteos.tool.outcome} (the metric's tag values too). */
    public static final String TOOL_OK = "ok";
    public static final String TOOL_ERROR = "error";

    private final Tracer tracer;
    private final CostMeter costs;
    private final boolean recordContent;

    public RunTracer(Tracer tracer, CostMeter costs, OrchestratorConfig config) {
        this.tracer = tracer;
        this.costs = costs;
        this.recordContent = config.tracing().content();
    }

    /** One run segment of a task, in the task's stored trace (a new trace when it has none). */
    public <T> Uni<T> taskRun(TaskRun run, TaskTrace trace, Function<Context, Uni<T>> work) {
        return UniSpans.within(tracer.spanBuilder("miteos.task.run")
                .setAttribute("miteos.task_id", run.taskId())
                .setAttribute("miteos.account_id", run.accountId())
                .setAttribute("miteos.mode", run.mode().value())
                .setAttribute("miteos.resumed", trace.resumed()), TraceParents.parse(trace.traceparent()), work);
    }

    /** Planning the task. */
    public <T> Uni<T> plan(Context parent, TaskRun run, Function<Context, Uni<T>> work) {
        return UniSpans.within(tracer.spanBuilder("miteos.plan").setAttribute("miteos.task_id", run.taskId()),
                parent, work);
    }

    /** One agent conversation: an agent's own work item, or the writer's synthesis. */
    public <T> Uni<T> agent(Context parent, TaskRun run, String agentId, String agentType, String conversation,
            Function<Context, Uni<T>> work) {
        return UniSpans.within(tracer.spanBuilder("invoke_agent " + agentType)
                .setAttribute("gen_ai.operation.name", "invoke_agent")
                .setAttribute("gen_ai.agent.name", agentType)
                .setAttribute("gen_ai.agent.id", agentId)
                .setAttribute("miteos.conversation", conversation)
                .setAttribute("miteos.task_id", run.taskId()), parent, work);
    }

    /** The model, with every call a {@code chat} span under {@code parent}. */
    public ModelProvider model(ModelProvider model, Context parent) {
        return new TracedModel(model, tracer, parent, costs, recordContent);
    }

    /**
     * One tool call ({@code callId}: the model's id for it; {@code fee}: what the task is charged
     * for it). Its {@code miteos.tool.outcome} is {@code ok} when the tool answered, {@code error}
     * when it failed (the model is told why).
     */
    public Uni<String> toolCall(Context parent, String tool, String callId, BigDecimal fee,
            Supplier<Uni<String>> call) {
        return UniSpans.within(tracer.spanBuilder("execute_tool " + tool)
                        .setAttribute("gen_ai.operation.name", "execute_tool")
                        .setAttribute("gen_ai.tool.name", tool)
                        .setAttribute("gen_ai.tool.call.id", callId)
                        .setAttribute("miteos.cost_usd", fee.doubleValue()),
                parent, context -> call.get().onFailure().invoke(() -> Span.fromContext(context)
                        .setAttribute("miteos.tool.outcome", TOOL_ERROR)),
                (span, text) -> span.setAttribute("miteos.tool.outcome", TOOL_OK));
    }
}
