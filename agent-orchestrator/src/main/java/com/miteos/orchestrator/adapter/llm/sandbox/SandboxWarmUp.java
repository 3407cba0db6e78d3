package com.miteos.orchestrator.adapter.llm.sandbox;

import com.miteos.orchestrator.port.warmup.WarmUp;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Parses and indexes the bundled sandbox corpus (done once, at first use) and plays a made-up task
 * through the sandbox model ({@link SandboxRehearsal}) before any sandbox task gets here: a cold
 * process otherwise loads and compiles the model's code in its first runs, seconds on a fresh JVM.
 */
@ApplicationScoped
class SandboxWarmUp implements WarmUp {

    @Override
    public String name() {
        return "sandbox corpus and model";
    }

    @Override
    public Uni<Void> run() {
        return Uni.createFrom().item(() -> new SandboxRehearsal(SandboxCorpus.bundled()).play())
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .replaceWithVoid();
    }
}
