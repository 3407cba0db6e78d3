package com.miteos.orchestrator.port.files;

/** A file operation refused for a reason the model can act on (a limit, a name); the message says which. */
public class FileRefused extends RuntimeException {

    public FileRefused(String message) {
        super(message, null, false, false);
    }
}
