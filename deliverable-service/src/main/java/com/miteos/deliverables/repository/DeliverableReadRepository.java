package com.miteos.deliverables.repository;

import com.miteos.model.task.Mode;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/** Reads of the deliverable read model, through Panache. Every read is scoped to the owner (account and mode). */
@ApplicationScoped
public class DeliverableReadRepository implements PanacheRepositoryBase<DeliverableEntity, String> {

    private static final Sort OLDEST_FIRST = Sort.ascending("createdAt", "id");

    /** The task's deliverables, oldest first. */
    @WithSession
    public Uni<List<StoredDeliverable>> listForTask(String accountId, Mode mode, String taskId) {
        return find("accountId = ?1 and mode = ?2 and taskId = ?3", OLDEST_FIRST, accountId, mode.value(), taskId)
                .list()
                .map(found -> found.stream().map(DeliverableEntity::toStored).toList());
    }

    /** One deliverable of the task, or null. */
    @WithSession
    public Uni<StoredDeliverable> findForTask(String accountId, Mode mode, String taskId, String id) {
        return find("id = ?1 and accountId = ?2 and mode = ?3 and taskId = ?4", id, accountId, mode.value(), taskId)
                .firstResult()
                .map(found -> found == null ? null : found.toStored());
    }
}
