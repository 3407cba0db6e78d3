package com.miteos.orchestrator.adapter.s3;

import com.miteos.orchestrator.port.warmup.WarmUp;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Connects to object storage and checks the bucket, which otherwise the first file of the first task does. */
@ApplicationScoped
class StorageWarmUp implements WarmUp {

    private final FileStore files;

    StorageWarmUp(FileStore files) {
        this.files = files;
    }

    @Override
    public String name() {
        return "object storage";
    }

    @Override
    public Uni<Void> run() {
        return files.checkBucket();
    }
}
