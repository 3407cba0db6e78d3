package com.miteos.deliverables.service;

import com.miteos.deliverables.repository.DeliverableReadRepository;
import com.miteos.deliverables.repository.StoredDeliverable;
import com.miteos.deliverables.storage.DeliverableStorage;
import com.miteos.model.task.Mode;
import com.miteos.model.view.DeliverableLocation;
import com.miteos.model.view.DeliverableView;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/** Lists a task's deliverables with fresh signed URLs, and finds or locates one for download. */
@ApplicationScoped
public class DeliverableService {

    private final DeliverableReadRepository deliverables;
    private final DeliverableStorage storage;

    public DeliverableService(DeliverableReadRepository deliverables, DeliverableStorage storage) {
        this.deliverables = deliverables;
        this.storage = storage;
    }

    public Uni<List<DeliverableView>> list(String accountId, Mode mode, String taskId) {
        return deliverables.listForTask(accountId, mode, taskId)
                .map(found -> found.stream().map(this::toView).toList());
    }

    public Uni<StoredDeliverable> find(String accountId, Mode mode, String taskId, String id) {
        return deliverables.findForTask(accountId, mode, taskId, id);
    }

    /**
     * Where the gateway reads one deliverable of the owner's task from ({@link DeliverableLocation}),
     * or null when the owner has no such file in that task.
     */
    public Uni<DeliverableLocation> locate(String accountId, Mode mode, String taskId, String id) {
        return find(accountId, mode, taskId, id).map(d -> {
            if (d == null) {
                return null;
            }
            String readUrl;
            try {
                readUrl = storage.internalReadUrl(d.objectKey());
            } catch (Exception e) {
                throw new IllegalStateException("cannot sign the read of " + d.id(), e);
            }
            return new DeliverableLocation(d.id(), d.name(),
                    d.contentType() == null ? "application/octet-stream" : d.contentType(), d.sizeBytes(),
                    ContentDisposition.attachment(d.name()), readUrl);
        });
    }

    private DeliverableView toView(StoredDeliverable d) {
        String url;
        try {
            url = storage.signedDownloadUrl(d.objectKey(), ContentDisposition.attachment(d.name()), d.contentType());
        } catch (Exception e) {
            throw new IllegalStateException("cannot sign a download URL for " + d.id(), e);
        }
        return new DeliverableView(d.id(), d.name(), d.contentType(), d.sizeBytes(), url, d.createdAt());
    }
}
