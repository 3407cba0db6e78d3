package com.miteos.orchestrator.port.web;

import com.miteos.net.TargetRefusal;

/**
 * Why a URL was not (or not completely) fetched, in words a model can act on. Messages never
 * carry stack traces or internal details such as the private address a name resolved to:
 * they are shown to a model whose instructions may come from an attacker's page.
 */
public class FetchRefusal extends RuntimeException {

    /** The kind of refusal, for logs, metrics and tests; the message is for the model. */
    public enum Reason {
        /** Not a URL we can read: malformed, relative, unknown host syntax. */
        INVALID_URL,
        /** A target the guard forbids: non-http(s) scheme, credentials, non-public address or name. */
        FORBIDDEN_TARGET,
        /** The host name does not resolve. */
        UNKNOWN_HOST,
        /** More redirects than allowed. */
        TOO_MANY_REDIRECTS,
        /** Connecting or the whole fetch took too long. */
        TIMEOUT,
        /** Connection or TLS failure. */
        NETWORK,
        /** The final answer was not a 2xx. */
        HTTP_STATUS,
        /** A content type the fetcher does not turn into text. */
        UNSUPPORTED_CONTENT
    }

    private final Reason reason;

    /** The guard's refusal in the fetcher's terms: its three reasons exist here under the same names. */
    public static FetchRefusal of(TargetRefusal refusal) {
        return new FetchRefusal(Reason.valueOf(refusal.reason().name()), refusal.getMessage());
    }

    public FetchRefusal(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
