package com.miteos.orchestrator.application.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.miteos.model.task.AgentStatus;
import com.miteos.orchestrator.application.metrics.OrchestratorMetrics;
import com.miteos.orchestrator.application.tools.FinishTool;
import com.miteos.orchestrator.application.tracing.RunTracer;
import com.miteos.orchestrator.application.tools.ToolBox;
import com.miteos.orchestrator.config.OrchestratorConfig;
import com.miteos.orchestrator.domain.cost.CostMeter;
import com.miteos.orchestrator.domain.run.AgentFailure;
import com.miteos.orchestrator.domain.run.Checkpoint;
import com.miteos.orchestrator.domain.run.TaskRun;
import com.miteos.orchestrator.port.llm.ModelCall;
import com.miteos.orchestrator.port.llm.ModelProvider;
import com.miteos.orchestrator.port.llm.ModelPurpose;
import com.miteos.orchestrator.port.tools.AgentTool;
import com.miteos.orchestrator.port.tools.ToolContext;
import com.miteos.orchestrator.port.tools.ToolFailure;
import com.miteos.orchestrator.port.tools.ToolNames;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ChatMessageDeserializer;
import dev.langchain4j.data.message.ChatMessageSerializer;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import io.opentelemetry.context.Context;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;

/**
 * One agent's tool-calling loop: ask the model, run the tools it calls, feed the results back,
 * until it calls {@code finish} (or answers without a tool), fails, or runs out of steps.
 *
 * <p>It never blocks a thread: each step is a {@link Uni} chain, so thousands of agents can
 * wait on their models at once. Between steps it reports the agent's status, tool and progress
 * to the {@link TaskRun}, and stops as soon as the task has ended.
 */
@ApplicationScoped
public class AgentLoop {

    private final ToolBox tools;
    private final CostMeter costs;
    private final BudgetGuard budget;
    private final ObjectMapper json;
    private final int maxSteps;
    private final OrchestratorMetrics metrics;
    private final RunTracer tracer;

    public AgentLoop(ToolBox tools, CostMeter costs, BudgetGuard budget, ObjectMapper json,
            OrchestratorConfig config, OrchestratorMetrics metrics, RunTracer tracer) {
        this.tracer = tracer;
        this.metrics = metrics;
        this.tools = tools;
        this.costs = costs;
        this.budget = budget;
        this.json = json;
        this.maxSteps = config.agents().maxSteps();
    }

    /**
     * Who runs the loop, with which model, for what, and with which tools. {@code conversation}
     * names its checkpoints: the agent's id, or {@link Checkpoint#synthesis} of it; the agent
     * shows {@code finishedAs} when the conversation is over (null: it stays as it is).
     * {@code trace}: the conversation's span, the parent of its tool calls' spans.
     */
    public record Assignment(TaskRun run, String agentId, String agentType, String conversation, ModelPurpose purpose,
            ModelProvider model, ToolContext context, List<String> toolNames, AgentStatus finishedAs, Context trace) {
    }

    /**
     * Runs the loop from the opening messages, or from the conversation's checkpoint when the
     * run was restored: a finished conversation answers its summary again, tool calls the model
     * asked for and that did not complete run now, and otherwise the next step asks the model.
     * Answers the agent's final summary.
     */
    public Uni<String> run(Assignment assignment, List<ChatMessage> opening) {
        List<AgentTool> offered = tools.offer(assignment.toolNames(), assignment.context());
        Optional<Checkpoint> saved = assignment.run().agentSteps().checkpoint(assignment.conversation());
        if (saved.isEmpty()) {
            return step(assignment, offered, new Conversation(opening, 0), 1);
        }
        Checkpoint checkpoint = saved.get();
        if (checkpoint.finished()) {
            return Uni.createFrom().item(checkpoint.summary());
        }
        Conversation conversation = new Conversation(ChatMessageDeserializer.messagesFromJson(checkpoint.messages()),
                checkpoint.userMessagesSeen());
        Log.infof("task %s: %s resumes after step %d", assignment.run().taskId(), assignment.conversation(),
                checkpoint.step());
        return resume(assignment, offered, conversation, checkpoint.step());
    }

    private Uni<String> resume(Assignment a, List<AgentTool> offered, Conversation conversation, int step) {
        List<ChatMessage> messages = conversation.messages;
        int answerAt = messages.size() - 1;
        while (answerAt >= 0 && messages.get(answerAt) instanceof ToolExecutionResultMessage) {
            answerAt--;
        }
        if (answerAt < 0 || !(messages.get(answerAt) instanceof AiMessage answer)) {
            return step(a, offered, conversation, step + 1);
        }
        if (!answer.hasToolExecutionRequests()) {
            return finish(a, conversation, step, answer.text() == null ? "" : answer.text());
        }
        List<ToolExecutionRequest> requests = answer.toolExecutionRequests();
        int done = messages.size() - 1 - answerAt;
        Optional<String> finished = requests.subList(0, Math.min(done, requests.size())).stream()
                .filter(r -> ToolNames.FINISH.equals(r.name()))
                .map(this::arguments).filter(java.util.Objects::nonNull)
                .map(FinishTool::summary).findFirst();
        if (finished.isPresent()) {
            return finish(a, conversation, step, finished.get());
        }
        return runTools(a, offered, conversation, requests, done, step)
                .flatMap(summary -> summary != null ? finish(a, conversation, step, summary)
                        : step(a, offered, conversation, step + 1));
    }

    /** An agent's messages so far, and how many of the user's messages it has been shown. */
    private static final class Conversation {
        final List<ChatMessage> messages;
        int userMessagesSeen;

        Conversation(List<ChatMessage> opening, int userMessagesSeen) {
            this.messages = new ArrayList<>(opening);
            this.userMessagesSeen = userMessagesSeen;
        }

        Checkpoint checkpoint(String name, int step, String summary) {
            return new Checkpoint(name, step, ChatMessageSerializer.messagesToJson(messages), userMessagesSeen,
                    summary);
        }
    }

    /** Waits while the task is paused, then shows the agent what the user said on resuming. */
    private Uni<Void> stepBoundary(Assignment a, Conversation conversation, int step) {
        if (a.run().pauseControl().isPaused()) {
            a.run().agentSteps().update(a.agentId(), AgentStatus.WAITING, null, progress(step - 1));
        }
        return a.run().pauseControl().gate().invoke(() -> {
            List<String> said = a.run().pauseControl().userMessagesFrom(conversation.userMessagesSeen);
            conversation.userMessagesSeen += said.size();
            said.forEach(text -> conversation.messages.add(UserMessage.from("Message from the user: " + text)));
        });
    }

    private Uni<String> step(Assignment a, List<AgentTool> offered, Conversation conversation, int step) {
        return stepBoundary(a, conversation, step).flatMap(open -> runStep(a, offered, conversation, step));
    }

    private Uni<String> runStep(Assignment a, List<AgentTool> offered, Conversation conversation, int step) {
        if (a.run().isFinished()) {
            return Uni.createFrom().failure(new CancellationException("task " + a.run().taskId() + " has ended"));
        }
        if (step > maxSteps) {
            return Uni.createFrom().failure(new AgentFailure("step_limit_exceeded",
                    "An agent used all its " + maxSteps + " steps without finishing."));
        }
        a.run().agentSteps().update(a.agentId(), AgentStatus.THINKING, null, progress(step - 1));
        ChatRequest request = budget.limited(a.run(), ChatRequest.builder()
                .messages(List.copyOf(conversation.messages))
                .toolSpecifications(ToolBox.specifications(offered))
                .build());
        ModelCall call = new ModelCall(a.purpose(), a.run().taskId(), a.agentType(), request);
        return stepDelay(a.run())
                .flatMap(ignored -> budget.beforeModelCall(a.run(), a.model(), a.purpose(), request))
                .flatMap(reserved -> a.model().chat(call)
                        .onFailure().invoke(() -> budget.release(a.run(), reserved))
                        .flatMap(response -> {
                            AiMessage answer = response.aiMessage();
                            conversation.messages.add(answer);
                            // The answer and its cost are recorded together before anything acts on it;
                            // the reservation goes only once the cost counts.
                            Uni<Long> recorded = a.run().agentSteps().modelAnswered(a.agentId(),
                                    conversation.checkpoint(a.conversation(), step, null),
                                    costs.modelCall(a.model().modelName(a.purpose()), response.tokenUsage()),
                                    CostMeter.tokensUsed(response.tokenUsage()));
                            budget.release(a.run(), reserved);
                            return recorded.invoke(costs::checkTokenBudget).replaceWith(answer);
                        }))
                .flatMap(answer -> {
                    if (!answer.hasToolExecutionRequests()) {
                        return finish(a, conversation, step, answer.text() == null ? "" : answer.text());
                    }
                    return runTools(a, offered, conversation, answer.toolExecutionRequests(), 0, step)
                            .flatMap(summary -> summary != null ? finish(a, conversation, step, summary)
                                    : step(a, offered, conversation, step + 1));
                });
    }

    /** The conversation is over: its summary is recorded, so a restart does not run it again. */
    private Uni<String> finish(Assignment a, Conversation conversation, int step, String summary) {
        return a.run().agentSteps().conversationFinished(a.agentId(),
                        conversation.checkpoint(a.conversation(), step, summary),
                        a.finishedAs())
                .replaceWith(summary);
    }

    /** Runs the requested tools in order from {@code index}; answers the summary if one of them was finish, else null. */
    private Uni<String> runTools(Assignment a, List<AgentTool> offered, Conversation conversation,
            List<ToolExecutionRequest> requests, int index, int step) {
        if (index == requests.size()) {
            return Uni.createFrom().nullItem();
        }
        ToolExecutionRequest request = requests.get(index);
        Optional<AgentTool> tool = ToolBox.find(offered, request.name());
        // Only names of real tools are shown: whatever else a model makes up stays in the conversation.
        a.run().agentSteps().update(a.agentId(), AgentStatus.ACTING, tool.map(AgentTool::name).orElse(null),
                progress(step - 1));
        JsonNode arguments = arguments(request);
        BigDecimal fee = tool.map(found -> costs.toolCall(found.name())).orElse(BigDecimal.ZERO);
        return budget.beforeToolCall(a.run(), fee).flatMap(reserved -> tool
                // Models number calls per conversation (call_1, …): the conversation makes the id unique in the task.
                .map(found -> invoke(found, arguments, a.context().forCall(a.conversation() + "/" + request.id()),
                        a.trace(), request.id(), fee))
                .orElseGet(() -> Uni.createFrom().item(ToolResults.error(request.name(),
                        "There is no tool named '" + request.name() + "' here.")))
                .onFailure().invoke(() -> budget.release(a.run(), reserved))
                .flatMap(text -> {
                    conversation.messages.add(ToolExecutionResultMessage.from(request, text));
                    Uni<Void> recorded = a.run().agentSteps().toolDone(a.agentId(),
                            conversation.checkpoint(a.conversation(), step, null), fee);
                    budget.release(a.run(), reserved);
                    return recorded;
                }))
                .flatMap(recorded -> {
                    if (ToolNames.FINISH.equals(request.name()) && arguments != null) {
                        return Uni.createFrom().item(FinishTool.summary(arguments));
                    }
                    return runTools(a, offered, conversation, requests, index + 1, step);
                });
    }

    /** Runs one tool call as a span of the conversation's trace; what the tool reports goes to the model. */
    private Uni<String> invoke(AgentTool tool, JsonNode arguments, ToolContext context, Context trace, String callId,
            BigDecimal fee) {
        return tracer.toolCall(trace, tool.name(), callId, fee, () -> arguments == null
                        ? Uni.createFrom().failure(new ToolFailure("The arguments are not a JSON object."))
                        : metrics.toolCall(tool.name(), () -> tool.execute(arguments, context), ToolFailure.class))
                .map(text -> ToolResults.untrusted(tool.name(), text))
                .onFailure(ToolFailure.class)
                .recoverWithItem(e -> ToolResults.error(tool.name(), e.getMessage()));
    }

    private JsonNode arguments(ToolExecutionRequest request) {
        try {
            String raw = request.arguments();
            JsonNode node = json.readTree(raw == null || raw.isBlank() ? "{}" : raw);
            return node != null && node.isObject() ? node : null;
        } catch (JsonProcessingException e) {
            Log.debugf("unparseable tool arguments for %s: %s", request.name(), e.getOriginalMessage());
            return null;
        }
    }

    private static Uni<Void> stepDelay(TaskRun run) {
        int delay = run.config().sandboxOrDefaults().stepDelayMs();
        Uni<Void> now = Uni.createFrom().voidItem();
        return delay == 0 ? now : now.onItem().delayIt().by(Duration.ofMillis(delay));
    }

    /**
     * Progress after {@code steps} completed steps. Nobody knows in advance how many steps an
     * agent needs, so progress approaches 100 geometrically, reaching it only when the agent is done.
     */
    static int progress(int steps) {
        return (int) Math.min(95, Math.round(100 * (1 - Math.pow(0.6, steps))));
    }
}
