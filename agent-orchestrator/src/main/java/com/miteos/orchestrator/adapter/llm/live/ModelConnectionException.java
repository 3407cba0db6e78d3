package com.miteos.orchestrator.adapter.llm.live;

/**
 * The exchange with the model server broke before a complete answer arrived: the connection was
 * refused or reset, the server went silent for longer than the timeout, or no connection could be
 * obtained in time. Unlike an HTTP error, nothing was said about the request itself, so trying
 * again is reasonable.
 */
public final class ModelConnectionException extends RuntimeException {

    public ModelConnectionException(String message, Throwable cause) {
        super(message, cause);
    }
}
