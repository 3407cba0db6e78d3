package com.miteos.orchestrator.adapter.llm.sandbox;

import com.miteos.orchestrator.port.tools.ToolNames;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The sandbox model's answer to one step of an agent's tool-calling loop. Each agent type
 * follows a short script, one tool call per step, and then calls {@code finish}:
 *
 * <ul>
 *   <li>researcher: broad {@code web_search}, focused {@code web_search}</li>
 *   <li>analyst: {@code web_search}, {@code write_file} of a CSV data file</li>
 *   <li>builder: {@code web_search}, {@code write_file} of the artefact (index.html, a script, ...)</li>
 *   <li>writer: {@code web_search} (the final document is written by the synthesis step)</li>
 * </ul>
 *
 * <p>The step is chosen by how many tool results the conversation holds, so the answer is a
 * pure function of the conversation. Script steps whose tool is not offered are skipped, and
 * after {@link #MAX_TOOL_RESULTS} results an agent always finishes.
 */
final class SandboxAgentBehaviour {

    /** After this many tool results an agent finishes, whatever its script says. */
    static final int MAX_TOOL_RESULTS = 6;

    private static final int MAX_FACTS_PER_SOURCE = 4;
    private static final String DEFAULT_FOCUS = "features license comparison";

    private final ReportComposer composer;

    SandboxAgentBehaviour(ReportComposer composer) {
        this.composer = composer;
    }

    /** One scripted step and the tool it calls. */
    private enum Step {
        BROAD_SEARCH(ToolNames.WEB_SEARCH),
        FOCUSED_SEARCH(ToolNames.WEB_SEARCH),
        WRITE_DATA_FILE(ToolNames.WRITE_FILE),
        WRITE_ARTEFACT(ToolNames.WRITE_FILE);

        private final String tool;

        Step(String tool) {
            this.tool = tool;
        }
    }

    AiMessage nextStep(String agentType, SandboxConversation conversation) {
        String type = Optional.ofNullable(agentType).orElse("").toLowerCase(Locale.ROOT);
        TaskBrief brief = TaskBrief.of(conversation.taskPrompt());
        List<Step> script = scriptOf(type).stream().filter(step -> conversation.offers(step.tool)).toList();
        int done = conversation.toolResultCount();
        if (done < script.size() && done < MAX_TOOL_RESULTS) {
            return AiMessage.from(perform(script.get(done), brief, conversation));
        }
        String summary = summary(type, brief, conversation);
        return conversation.offers(ToolNames.FINISH)
                ? AiMessage.from(conversation.nextCall(ToolNames.FINISH, "summary", summary))
                : AiMessage.from(summary);
    }

    private static List<Step> scriptOf(String type) {
        return switch (type) {
            case SandboxPlanner.ANALYST -> List.of(Step.BROAD_SEARCH, Step.WRITE_DATA_FILE);
            case SandboxPlanner.BUILDER -> List.of(Step.BROAD_SEARCH, Step.WRITE_ARTEFACT);
            case SandboxPlanner.WRITER -> List.of(Step.BROAD_SEARCH);
            // Researchers, and any type a real planner might invent, research.
            default -> List.of(Step.BROAD_SEARCH, Step.FOCUSED_SEARCH);
        };
    }

    private ToolExecutionRequest perform(Step step, TaskBrief brief, SandboxConversation conversation) {
        return switch (step) {
            case BROAD_SEARCH -> conversation.nextCall(ToolNames.WEB_SEARCH, "query", brief.subject());
            case FOCUSED_SEARCH -> conversation.nextCall(ToolNames.WEB_SEARCH,
                    "query", brief.subject() + " " + focusOf(conversation.workItem()));
            case WRITE_DATA_FILE -> writeFile(conversation, brief.slug() + "-data.csv",
                    DeliverableFormat.CSV.render(reportFromSearches(brief, conversation)));
            case WRITE_ARTEFACT -> writeFile(conversation, artefactName(brief),
                    brief.format().render(reportFromSearches(brief, conversation)));
        };
    }

    private static ToolExecutionRequest writeFile(SandboxConversation conversation, String name, String content) {
        return conversation.nextCall(ToolNames.WRITE_FILE, "name", name, "content", content);
    }

    /** A working file built from what this agent's searches found; from general knowledge if they found nothing. */
    private Report reportFromSearches(TaskBrief brief, SandboxConversation conversation) {
        List<String> urls = conversation.searchHits().stream().map(SandboxConversation.SearchHit::url).toList();
        List<CorpusDocument> found = composer.pagesAbout(brief, urls);
        return composer.compose(brief, found.isEmpty() ? composer.knowledgeOf(brief, List.of()) : found, urls);
    }

    /** The angle of a work item titled "Research X: angle", else a generic focus. */
    private static String focusOf(String workItem) {
        String titleLine = workItem.lines().findFirst().orElse("");
        int colon = titleLine.lastIndexOf(':');
        String angle = colon < 0 ? "" : titleLine.substring(colon + 1).strip();
        return angle.isEmpty() ? DEFAULT_FOCUS : angle;
    }

    private static String artefactName(TaskBrief brief) {
        return switch (brief.format()) {
            case HTML -> "index.html";
            case PYTHON -> "main.py";
            default -> brief.slug() + "-draft." + brief.format().extension();
        };
    }

    private String summary(String type, TaskBrief brief, SandboxConversation conversation) {
        List<SandboxConversation.SearchHit> hits = conversation.searchHits().stream()
                .filter(hit -> composer.isRelevant(brief, hit.url()))
                .toList();
        String written = conversation.lastArgumentsOf(ToolNames.WRITE_FILE).path("name").asText("");
        String opening = switch (type) {
            case SandboxPlanner.ANALYST -> "Analysed " + brief.scope()
                    + (written.isEmpty() ? "." : " and wrote the data file " + written + ".");
            case SandboxPlanner.BUILDER -> "Built " + (written.isEmpty() ? "nothing yet" : written) + ", a first "
                    + brief.format().displayName() + " version for " + brief.scope() + ".";
            case SandboxPlanner.WRITER -> "Gathered background for the final " + brief.format().displayName() + " "
                    + brief.kind().of(brief.scope()) + ".";
            default -> "Researched " + brief.scope() + ".";
        };
        if (hits.isEmpty()) {
            return opening + " The searches found no relevant sources.";
        }
        return opening + " " + hits.size() + " relevant sources:\n" + hits.stream()
                .map(hit -> "- " + hit.title() + " — " + hit.url() + ": " + keyFacts(hit))
                .collect(Collectors.joining("\n"));
    }

    /** The facts the model knows about a hit's page, or the hit's snippet for a page it does not know. */
    private String keyFacts(SandboxConversation.SearchHit hit) {
        return composer.pageAt(hit.url())
                .filter(document -> !document.facts().isEmpty())
                .map(document -> document.facts().entrySet().stream()
                        .limit(MAX_FACTS_PER_SOURCE)
                        .map(fact -> fact.getKey() + ": " + fact.getValue())
                        .collect(Collectors.joining("; ")))
                .orElse(hit.snippet());
    }
}
