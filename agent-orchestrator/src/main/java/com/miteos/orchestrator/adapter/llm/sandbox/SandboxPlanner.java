package com.miteos.orchestrator.adapter.llm.sandbox;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The sandbox model's answer to a planning call: splits a prompt into work items, one per
 * agent, as the JSON text {@code {"work_items":[{"type","title","instructions"}, ...]}}.
 *
 * <p>Specialists are chosen from the prompt's verbs (researcher, analyst, builder); a writer
 * always comes last because it owns the final deliverable. Spare agent slots go to extra
 * researchers with distinct angles, so a task with {@code max_agents: 6} visibly runs more
 * agents in parallel than one with 3, as a real planner would.
 */
final class SandboxPlanner {

    static final String RESEARCHER = "researcher";
    static final String ANALYST = "analyst";
    static final String BUILDER = "builder";
    static final String WRITER = "writer";

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Pattern NEEDS_RESEARCH = Pattern.compile(
            "\\b(?:research|find|compare|comparison|investigate|survey|explore|identify|review|top\\s+\\d+)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern NEEDS_ANALYSIS = Pattern.compile(
            "\\b(?:compar|analy[sz]|benchmark|evaluat|data\\b|dataset|metrics|statistic|csv\\b)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern NEEDS_BUILDING = Pattern.compile(
            "\\b(?:build|code|landing[ -]page|website|web[ -]?page|app|application|script|python|implement|html)\\b",
            Pattern.CASE_INSENSITIVE);

    private static final List<String> RESEARCH_ANGLES = List.of(
            "features and architecture",
            "licensing, pricing and managed offerings",
            "adoption, community and ecosystem");

    /** The plan for {@code prompt}, with between 1 and {@code maxAgents} work items. */
    String plan(String prompt, int maxAgents) {
        TaskBrief brief = TaskBrief.of(prompt);
        int slots = Math.max(1, maxAgents);
        List<WorkItem> items = new ArrayList<>();
        if (slots > 1) {
            List<WorkItem> specialists = specialists(prompt, brief);
            items.addAll(specialists.subList(0, Math.min(specialists.size(), slots - 1)));
        }
        items.add(writer(brief));
        try {
            return JSON.writeValueAsString(new Plan(items));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a plan of strings always serialises", e);
        }
    }

    /** Every specialist the prompt could use, most important first; the caller keeps as many as fit. */
    private static List<WorkItem> specialists(String prompt, TaskBrief brief) {
        boolean research = NEEDS_RESEARCH.matcher(prompt).find();
        boolean analysis = NEEDS_ANALYSIS.matcher(prompt).find();
        boolean building = NEEDS_BUILDING.matcher(prompt).find();
        List<WorkItem> specialists = new ArrayList<>();
        // Someone has to gather material for the writer.
        if (research || !(analysis || building)) {
            specialists.add(researcher(brief, null));
        }
        if (analysis) {
            specialists.add(analyst(brief));
        }
        if (building) {
            specialists.add(builder(brief));
        }
        if (research) {
            RESEARCH_ANGLES.forEach(angle -> specialists.add(researcher(brief, angle)));
        }
        return specialists;
    }

    private static WorkItem researcher(TaskBrief brief, String angle) {
        String subject = brief.scope();
        if (angle == null) {
            return new WorkItem(RESEARCHER, "Research " + brief.subject(),
                    "Search the web for " + subject + ". For each relevant source, note its title, URL and key "
                            + "facts such as licence, implementation language, main features and maturity. "
                            + "Finish with a summary of your findings and their sources.");
        }
        return new WorkItem(RESEARCHER, "Research " + brief.subject() + ": " + angle,
                "Search the web for " + subject + ", focusing on " + angle + ". Note each source's title, URL "
                        + "and the facts it gives. Finish with a summary of your findings and their sources.");
    }

    private static WorkItem analyst(TaskBrief brief) {
        boolean comparison = brief.kind() == TaskBrief.Kind.COMPARISON;
        return new WorkItem(ANALYST,
                comparison ? "Compare " + brief.subject() + " side by side" : "Analyse " + brief.subject(),
                "Collect comparable data on " + brief.scope() + ": one row per option, one column per "
                        + "attribute. Save it as a CSV data file with write_file, then finish with the most "
                        + "notable differences.");
    }

    private static WorkItem builder(TaskBrief brief) {
        String title = switch (brief.kind()) {
            case LANDING_PAGE -> "Build the landing page for " + brief.subject();
            case SCRIPT -> "Write the Python script for " + brief.subject();
            default -> "Build a working prototype for " + brief.subject();
        };
        return new WorkItem(BUILDER, title,
                "Search for background on " + brief.scope() + ", then build a first working version as a "
                        + brief.format().displayName() + " file with write_file. Finish with what you built "
                        + "and what the final version should improve.");
    }

    private static WorkItem writer(TaskBrief brief) {
        return new WorkItem(WRITER,
                "Write the " + brief.format().displayName() + " " + brief.kind().of(brief.subject()),
                "Own the final deliverable, " + brief.fileName() + ": a " + brief.format().displayName() + " "
                        + brief.kind().of(brief.scope()) + " with a title, a summary, a "
                        + "comparison table, a section per option, a methodology note and the sources with URLs. "
                        + "Gather background with web_search and finish with what the document should say.");
    }

    /** The plan as the orchestrator parses it. */
    record Plan(@JsonProperty("work_items") List<WorkItem> workItems) {
    }

    /** One piece of work for one agent. */
    record WorkItem(@JsonProperty("type") String type, @JsonProperty("title") String title,
            @JsonProperty("instructions") String instructions) {
    }
}
