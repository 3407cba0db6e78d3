package com.miteos.orchestrator.domain.run;

import io.smallrye.mutiny.subscription.Cancellable;

import java.util.ArrayList;
import java.util.List;

/** Handles on a run's running work, so that ending or suspending the run stops it. */
final class RunningWork {

    private final List<Cancellable> handles = new ArrayList<>();

    void add(Cancellable cancellable) {
        handles.add(cancellable);
    }

    List<Cancellable> all() {
        return List.copyOf(handles);
    }
}
