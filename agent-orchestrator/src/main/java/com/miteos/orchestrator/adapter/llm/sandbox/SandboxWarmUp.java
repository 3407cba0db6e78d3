package com.miteos.orchestrator.adapter.llm.sandbox;

import com.miteos.orchestrator.port.warmup.WarmUp;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;

/** Parses and indexes the bundled sandbox corpus (done once, at first use) before any sandbox task gets here. */
@ApplicationScoped
class SandboxWarmUp implements WarmUp {

    @Override
    public String name() {
        return "sandbox corpus";
    }

    @Override
    public Uni<Void> run() {
        return Uni.createFrom().item(() -> SandboxCorpus.bundled().search("vector database comparison", 3))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .replaceWithVoid();
    }
}
