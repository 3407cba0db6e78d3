package com.miteos.orchestrator.port.tools;

/** A tool call that could not be done as asked; the message goes back to the model. */
public class ToolFailure extends RuntimeException {

    public ToolFailure(String message) {
        super(message, null, false, false);
    }
}
