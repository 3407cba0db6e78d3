package com.miteos.deliverables.repository;

import com.miteos.model.task.Mode;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/** Reads of the deliverable read model, through Panache. Every read is scoped to the owner (account and mode). */
@ApplicationScoped
public class DeliverableReadRepository implements PanacheRepositoryBase<DeliverableEntity, String> {

    /** The task's deliverables, oldest first. */
    @WithSession
    public Uni<List<StoredDeliverable>> listForTask(String accountId, Mode mode, String taskId) {
        return find("#" + DeliverableEntity.OF_TASK, accountId, mode.value(), taskId)
                .list()
                .map(found -> found.stream().map(DeliverableEntity::toStored).toList());
    }

    /** One deliverable of the task, or null. */
    @WithSession
    public Uni<StoredDeliverable> findForTask(String accountId, Mode mode, String taskId, String id) {
        return find("#" + DeliverableEntity.ONE_OF_TASK, id, accountId, mode.value(), taskId)
                .firstResult()
                .map(found -> found == null ? null : found.toStored());
    }
}
