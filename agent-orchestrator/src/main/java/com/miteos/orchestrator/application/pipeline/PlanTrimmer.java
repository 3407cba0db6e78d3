package com.miteos.orchestrator.application.pipeline;

import com.miteos.orchestrator.domain.run.WorkItem;

import java.util.ArrayList;
import java.util.List;

/**
 * Fits a plan with more work items than {@code max_agents} into that many agents, because real
 * models often overshoot and failing the task for it helps nobody.
 *
 * <p>The lead (the item that writes the deliverables: the last {@code writer}, or else the last
 * item) is always kept and stays last, since the pipeline hands the synthesis to the last agent.
 * The first {@code max_agents - 1} other items are kept in order, and the work of every item that
 * does not fit is merged into the last kept helper (into the lead when it works alone), so no
 * piece of the plan is silently lost. Merged instructions are cut at
 * {@link Planner#MAX_INSTRUCTIONS_LENGTH}.
 */
final class PlanTrimmer {

    static final String WRITER = "writer";

    private PlanTrimmer() {
    }

    /** {@code plan} itself when it fits, else a plan of exactly {@code maxAgents} items. */
    static List<WorkItem> fit(List<WorkItem> plan, int maxAgents) {
        if (plan.size() <= maxAgents) {
            return plan;
        }
        int lead = leadIndex(plan);
        List<WorkItem> others = new ArrayList<>(plan);
        WorkItem writer = others.remove(lead);
        List<WorkItem> kept = new ArrayList<>(others.subList(0, maxAgents - 1));
        List<WorkItem> overflow = others.subList(maxAgents - 1, others.size());
        kept.add(writer);
        int into = kept.size() >= 2 ? kept.size() - 2 : kept.size() - 1;
        kept.set(into, merged(kept.get(into), overflow));
        return List.copyOf(kept);
    }

    private static int leadIndex(List<WorkItem> plan) {
        for (int i = plan.size() - 1; i >= 0; i--) {
            if (WRITER.equals(plan.get(i).type())) {
                return i;
            }
        }
        return plan.size() - 1;
    }

    private static WorkItem merged(WorkItem item, List<WorkItem> overflow) {
        StringBuilder instructions = new StringBuilder(item.instructions());
        for (WorkItem extra : overflow) {
            instructions.append("\n\nAlso do this work item (").append(extra.type()).append(": ")
                    .append(extra.title()).append("):\n").append(extra.instructions());
        }
        String text = instructions.length() <= Planner.MAX_INSTRUCTIONS_LENGTH ? instructions.toString()
                : instructions.substring(0, Planner.MAX_INSTRUCTIONS_LENGTH - 1) + "…";
        return new WorkItem(item.type(), item.title(), text);
    }
}
