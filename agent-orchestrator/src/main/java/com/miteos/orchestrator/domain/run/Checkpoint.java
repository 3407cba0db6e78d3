package com.miteos.orchestrator.domain.run;

/**
 * An agent conversation as of its last completed model or tool call: what a restarted
 * orchestrator resumes from. {@code messages} is LangChain4j's JSON form of the messages;
 * {@code summary} is set once the conversation is finished.
 *
 * @param conversation the agent's id, or {@link #synthesis(String)} of it for the writer's second part
 * @param step         the last model call the messages contain (0 before the first)
 */
public record Checkpoint(String conversation, int step, String messages, int userMessagesSeen, String summary) {

    public static String synthesis(String agentId) {
        return agentId + "/synthesis";
    }

    public boolean finished() {
        return summary != null;
    }
}
