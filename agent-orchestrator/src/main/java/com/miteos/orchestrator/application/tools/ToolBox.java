package com.miteos.orchestrator.application.tools;

import com.miteos.orchestrator.port.tools.AgentTool;
import com.miteos.orchestrator.port.tools.ToolContext;
import dev.langchain4j.agent.tool.ToolSpecification;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** All tools, by name; answers which of them an agent is offered in a given context. */
@ApplicationScoped
public class ToolBox {

    private final Map<String, AgentTool> tools = new LinkedHashMap<>();

    public ToolBox(Instance<AgentTool> all) {
        all.forEach(tool -> tools.put(tool.name(), tool));
    }

    /** The named tools that are available in this context, in the order asked. */
    public List<AgentTool> offer(List<String> names, ToolContext context) {
        return names.stream().map(tools::get)
                .filter(tool -> tool != null && tool.availableIn(context))
                .toList();
    }

    public static List<ToolSpecification> specifications(List<AgentTool> tools) {
        return tools.stream().map(AgentTool::specification).toList();
    }

    public static Optional<AgentTool> find(List<AgentTool> offered, String name) {
        return offered.stream().filter(t -> t.name().equals(name)).findFirst();
    }
}
