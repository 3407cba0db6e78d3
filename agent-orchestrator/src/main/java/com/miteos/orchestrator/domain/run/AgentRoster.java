package com.miteos.orchestrator.domain.run;

import com.miteos.model.id.IdPrefix;
import com.miteos.model.id.Ids;
import com.miteos.model.task.AgentState;
import com.miteos.model.task.AgentStatus;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The task's agents, in the order they were started: status, tool, progress and what each spent. */
final class AgentRoster {

    private final Map<String, AgentState> agents = new LinkedHashMap<>();

    void restore(List<AgentState> states) {
        states.forEach(a -> agents.put(a.id(), a));
    }

    List<AgentState> snapshot() {
        return List.copyOf(agents.values());
    }

    boolean isEmpty() {
        return agents.isEmpty();
    }

    List<String> ids() {
        return List.copyOf(agents.keySet());
    }

    /** One queued agent of each type; answers their ids. */
    List<String> start(List<String> types) {
        List<String> ids = new ArrayList<>();
        for (String type : types) {
            String id = Ids.newId(IdPrefix.AGENT);
            agents.put(id, new AgentState(id, type, AgentStatus.QUEUED, null, 0, BigDecimal.ZERO));
            ids.add(id);
        }
        return ids;
    }

    /** Updates an agent that is still working; answers false for an unknown or finished one. */
    boolean update(String agentId, AgentStatus status, String currentTool, int progress) {
        AgentState current = agents.get(agentId);
        if (current == null || current.status().isFinished()) {
            return false;
        }
        // Progress never goes backwards, whatever order updates arrive in.
        agents.put(agentId, new AgentState(agentId, current.type(), status, currentTool,
                Math.max(current.progress(), progress), current.cost()));
        return true;
    }

    /** Adds credits to what an agent spent (none for planning, which has no agent). */
    void charge(String agentId, BigDecimal credits) {
        AgentState agent = agentId == null ? null : agents.get(agentId);
        if (agent != null) {
            BigDecimal spent = agent.cost() == null ? credits : agent.cost().add(credits);
            agents.put(agentId, new AgentState(agentId, agent.type(), agent.status(), agent.currentTool(),
                    agent.progress(), spent.stripTrailingZeros()));
        }
    }

    /** Every agent still working ends as {@code end}. */
    void finishAll(AgentStatus end) {
        agents.replaceAll((id, a) -> a.status().isFinished() ? a
                : new AgentState(id, a.type(), end, null, end == AgentStatus.DONE ? 100 : a.progress(), a.cost()));
    }
}
