package com.miteos.tasks.domain;

import com.miteos.model.view.StreamEvent;

import java.util.List;
import java.util.Set;

/** The stream events an endpoint can subscribe to: a task's end, its approval requests and its files. */
public final class WebhookEvents {

    /** In the order the API reference lists them. */
    public static final List<String> NAMES = List.of(StreamEvent.TASK_COMPLETED, StreamEvent.TASK_FAILED,
            StreamEvent.TASK_CANCELLED, StreamEvent.APPROVAL_REQUESTED, StreamEvent.DELIVERABLE_CREATED);

    private static final Set<String> ALL = Set.copyOf(NAMES);

    private WebhookEvents() {
    }

    public static boolean isWebhookEvent(String streamEventType) {
        return ALL.contains(streamEventType);
    }
}
