package com.miteos.net;

/**
 * Why the {@link SsrfGuard} refused a URL, in words that can be shown to whoever chose it (a
 * model, an API client). Messages never carry internal details such as the private address a
 * name resolved to. Each caller maps it to its own error: {@code fetch_url} to a fetch refusal,
 * webhook registration to a problem response.
 */
public class TargetRefusal extends RuntimeException {

    /** The kind of refusal, for logs, metrics and tests; the message is for people. */
    public enum Reason {
        /** Not a URL we can read: malformed, relative, unknown host syntax. */
        INVALID_URL,
        /** A target the guard forbids: non-http(s) scheme, credentials, non-public address or name. */
        FORBIDDEN_TARGET,
        /** The host name does not resolve. */
        UNKNOWN_HOST
    }

    private final Reason reason;

    public TargetRefusal(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
