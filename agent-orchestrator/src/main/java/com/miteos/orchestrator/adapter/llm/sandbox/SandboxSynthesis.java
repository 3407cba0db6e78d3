package com.miteos.orchestrator.adapter.llm.sandbox;

import com.miteos.orchestrator.port.tools.ToolNames;
import dev.langchain4j.data.message.AiMessage;

import java.util.List;

/**
 * The sandbox model's answer to a synthesis call: first one {@code write_file} with the final
 * deliverable, in the format the prompt asks for, then {@code finish}. The deliverable draws on
 * everything the model knows about the subject (the corpus) plus the sources the agents cited
 * in their findings.
 */
final class SandboxSynthesis {

    private final ReportComposer composer;

    SandboxSynthesis(ReportComposer composer) {
        this.composer = composer;
    }

    AiMessage nextStep(SandboxConversation conversation) {
        TaskBrief brief = TaskBrief.of(conversation.taskPrompt());
        boolean written = conversation.hasResultOf(ToolNames.WRITE_FILE);
        if (!written && conversation.offers(ToolNames.WRITE_FILE)
                && conversation.toolResultCount() < SandboxAgentBehaviour.MAX_TOOL_RESULTS) {
            List<String> cited = conversation.citedUrls();
            Report report = composer.compose(brief, composer.knowledgeOf(brief, cited), cited);
            return AiMessage.from(conversation.nextCall(ToolNames.WRITE_FILE,
                    "name", brief.fileName(), "content", brief.format().render(report)));
        }
        String summary = written
                ? "Wrote " + conversation.lastArgumentsOf(ToolNames.WRITE_FILE).path("name").asText(brief.fileName())
                        + ", the " + brief.format().displayName() + " " + brief.kind().of(brief.scope()) + "."
                : "No deliverable was written: the write_file tool was not offered.";
        return conversation.offers(ToolNames.FINISH)
                ? AiMessage.from(conversation.nextCall(ToolNames.FINISH, "summary", summary))
                : AiMessage.from(summary);
    }
}
