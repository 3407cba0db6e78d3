package com.miteos.gateway.client;

import com.miteos.gateway.domain.ApiProblem;
import com.miteos.gateway.domain.Caller;
import com.miteos.model.view.DeliverableLocation;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Where a caller's file is, for its download: deliverable-service checks the owner (account and
 * mode) and answers the file's metadata with a presigned internal S3 read. A file that is not the
 * caller's is {@code null}; an unreachable service is a 503 problem, never a false "not found".
 */
@ApplicationScoped
public class DeliverableLocator {

    private final DeliverableServiceApi deliverables;

    public DeliverableLocator(@RestClient DeliverableServiceApi deliverables) {
        this.deliverables = deliverables;
    }

    public Uni<DeliverableLocation> locate(Caller caller, String taskId, String fileId) {
        return deliverables.locate(taskId, fileId, caller.accountId(), caller.mode().value())
                .onFailure(e -> e instanceof WebApplicationException w && w.getResponse().getStatus() == 404)
                .recoverWithNull()
                .onFailure().transform(e -> {
                    Log.warnf("deliverable-service failed to locate %s of task %s: %s", fileId, taskId, e.toString());
                    return ApiProblem.unavailable("The file could not be fetched right now; please retry.");
                });
    }
}
