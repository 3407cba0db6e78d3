package com.miteos.model.id;

/**
 * The prefixes of Miteos identifiers. An id is a prefix, an underscore and a lowercase
 * 26-character ULID, for example {@code task_01hwxyz4k8p3mq9rbn2csved}.
 */
public enum IdPrefix {
    TASK("task"),
    AGENT("agnt"),
    DELIVERABLE("dlvr"),
    ACCOUNT("acct"),
    KEY("key"),
    EVENT("evt"),
    /** A registered webhook endpoint. */
    WEBHOOK("wh"),
    /** One webhook delivery: its Standard Webhooks {@code webhook-id}. */
    MESSAGE("msg");

    private final String prefix;

    IdPrefix(String prefix) {
        this.prefix = prefix;
    }

    public String prefix() {
        return prefix;
    }
}
