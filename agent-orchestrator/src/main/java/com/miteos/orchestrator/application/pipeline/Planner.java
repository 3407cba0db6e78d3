package com.miteos.orchestrator.application.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.miteos.orchestrator.domain.cost.CostMeter;
import com.miteos.orchestrator.domain.run.TaskRun;
import com.miteos.orchestrator.domain.run.WorkItem;
import com.miteos.orchestrator.port.llm.ModelCall;
import com.miteos.orchestrator.port.llm.ModelCallException;
import com.miteos.orchestrator.port.llm.ModelProvider;
import com.miteos.orchestrator.port.llm.ModelPurpose;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Splits a prompt into at most {@code max_agents} work items with one model call answering
 * JSON. Items that are not usable are dropped and a plan with too many items is fitted to
 * {@code max_agents} ({@link PlanTrimmer}); only an answer with no usable item at all gets one
 * repair attempt, and then the task fails.
 */
@ApplicationScoped
public class Planner {

    static final int MAX_TYPE_LENGTH = 40;
    static final int MAX_INSTRUCTIONS_LENGTH = 4_000;
    static final int MAX_TITLE_LENGTH = 200;
    private static final Pattern TYPE = Pattern.compile("[a-z][a-z_-]{0," + (MAX_TYPE_LENGTH - 1) + "}");

    static final String INSTRUCTIONS = """
            You are the planner of Miteos, a platform where several AI agents work on a user's task in parallel.
            Split the task into at most %d independent work items, one per agent. Each item names the agent's
            type (researcher, analyst, builder or writer), a short title, and concrete instructions. The last
            item must be a writer, who combines everyone's findings into the deliverables the task asks for.
            Answer with only this JSON object and nothing else:
            {"work_items":[{"type":"researcher","title":"...","instructions":"..."}]}""";

    private final ObjectMapper json;
    private final CostMeter costs;
    private final BudgetGuard budget;

    public Planner(ObjectMapper json, CostMeter costs, BudgetGuard budget) {
        this.json = json;
        this.costs = costs;
        this.budget = budget;
    }

    /**
     * Makes the plan and records it in the run together with the cost of the calls that made it,
     * so a plan interrupted by a crash is made (and paid) once.
     */
    public Uni<List<WorkItem>> plan(TaskRun run, ModelProvider model) {
        int maxAgents = run.config().maxAgents();
        Spent spent = new Spent();
        List<ChatMessage> messages = new ArrayList<>(List.of(
                SystemMessage.from(INSTRUCTIONS.formatted(maxAgents)),
                UserMessage.from(run.prompt())));
        return ask(run, model, messages, spent).flatMap(answer -> {
            try {
                return Uni.createFrom().item(parse(answer.text(), maxAgents));
            } catch (InvalidPlan invalid) {
                messages.add(answer);
                messages.add(UserMessage.from("That plan is invalid: " + invalid.getMessage()
                        + ". Answer again with only the JSON object."));
                return ask(run, model, messages, spent).map(repaired -> {
                    try {
                        return parse(repaired.text(), maxAgents);
                    } catch (InvalidPlan stillInvalid) {
                        run.agentSteps().charge(null, spent.credits);
                        throw new ModelCallException("invalid_plan",
                                "The model could not produce a valid plan: " + stillInvalid.getMessage());
                    }
                });
            }
        }).invoke(plan -> run.plan().made(plan, spent.credits, spent.tokens))
                // The plan's calls are charged only once it is made: until then their reservations count.
                .eventually(() -> budget.release(run, spent.reserved));
    }

    /** What the planner's calls cost so far. */
    private static final class Spent {
        BigDecimal credits = BigDecimal.ZERO;
        BigDecimal reserved = BigDecimal.ZERO;
        long tokens;
    }

    private Uni<AiMessage> ask(TaskRun run, ModelProvider model, List<ChatMessage> messages, Spent spent) {
        ChatRequest request = budget.limited(run, ChatRequest.builder().messages(List.copyOf(messages)).build());
        ModelCall call = new ModelCall(ModelPurpose.PLAN, run.taskId(), null, request);
        return budget.beforeModelCall(run, model, ModelPurpose.PLAN, request).flatMap(reserved -> {
            spent.reserved = spent.reserved.add(reserved);
            return model.chat(call);
        }).map(response -> {
            spent.credits = spent.credits.add(costs.modelCall(model.modelName(ModelPurpose.PLAN),
                    response.tokenUsage()));
            spent.tokens += CostMeter.tokensUsed(response.tokenUsage());
            return response.aiMessage();
        });
    }

    /** The work items of a plan answer, or {@link InvalidPlan} saying what is wrong with it. */
    List<WorkItem> parse(String answer, int maxAgents) {
        JsonNode root;
        try {
            root = json.readTree(stripFences(answer == null ? "" : answer));
        } catch (Exception e) {
            throw new InvalidPlan("it is not a JSON object");
        }
        JsonNode items = root == null ? null : root.get("work_items");
        if (items == null || !items.isArray() || items.isEmpty()) {
            throw new InvalidPlan("work_items must be a non-empty array");
        }
        List<WorkItem> plan = new ArrayList<>();
        String firstProblem = null;
        for (JsonNode item : items) {
            String problem = problem(item);
            if (problem == null) {
                String title = readable(text(item, "title"));
                String type = text(item, "type");
                plan.add(new WorkItem(type, title.isBlank() ? type : title, text(item, "instructions")));
            } else if (firstProblem == null) {
                firstProblem = problem;
            }
        }
        if (plan.isEmpty()) {
            throw new InvalidPlan(firstProblem);
        }
        return PlanTrimmer.fit(plan, maxAgents);
    }

    /** What makes a work item unusable, or null when it is fine. */
    private static String problem(JsonNode item) {
        String type = text(item, "type");
        String instructions = text(item, "instructions");
        if (type == null || !TYPE.matcher(type).matches()) {
            return "each work item needs a lowercase type such as researcher or writer";
        }
        if (instructions == null || instructions.isBlank() || instructions.length() > MAX_INSTRUCTIONS_LENGTH) {
            return "each work item needs instructions of at most " + MAX_INSTRUCTIONS_LENGTH + " characters";
        }
        return null;
    }

    /** Titles are shown to users (status_detail): printable characters only, and short. */
    private static String readable(String title) {
        if (title == null) {
            return "";
        }
        String printable = title.codePoints().filter(c -> !Character.isISOControl(c)
                        && Character.getType(c) != Character.FORMAT && Character.getType(c) != Character.SURROGATE)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString().strip();
        return printable.length() <= MAX_TITLE_LENGTH ? printable : printable.substring(0, MAX_TITLE_LENGTH) + "…";
    }

    private static String text(JsonNode item, String field) {
        JsonNode node = item.get(field);
        return node != null && node.isTextual() ? node.textValue() : null;
    }

    /** Models like to wrap JSON in Markdown code fences even when told not to. */
    private static String stripFences(String answer) {
        String trimmed = answer.strip();
        if (trimmed.startsWith("```")) {
            int start = trimmed.indexOf('\n');
            int end = trimmed.lastIndexOf("```");
            if (start > 0 && end > start) {
                return trimmed.substring(start + 1, end);
            }
        }
        return trimmed;
    }

    static final class InvalidPlan extends RuntimeException {
        InvalidPlan(String message) {
            super(message, null, false, false);
        }
    }
}
