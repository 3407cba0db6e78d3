package com.miteos.orchestrator.application.deploy;

import com.miteos.model.task.Deployment;
import com.miteos.model.task.PendingAction;
import com.miteos.model.task.TaskConfig;
import com.miteos.model.task.TaskError;
import com.miteos.orchestrator.domain.files.StoredFile;
import com.miteos.orchestrator.domain.run.AutonomyPolicy;
import com.miteos.orchestrator.domain.run.TaskRun;
import com.miteos.orchestrator.port.deploy.DeployFailure;
import com.miteos.orchestrator.port.deploy.DeployTarget;
import com.miteos.orchestrator.port.deploy.Deliverables;
import io.quarkus.arc.All;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;

/**
 * Publishes a finished task's deliverables to its {@code deploy_target} when it asked for
 * {@code auto_deploy}; below the side-effect autonomy level only after the user approved.
 * The outcome is the task's {@code deployment}; a failed deploy does not undo the deliverables,
 * so the task still completes, with the error in {@code deployment.error}.
 */
@ApplicationScoped
public class DeliverableDeployer {

    private final List<DeployTarget> targets;

    /** @param targets every kind of target this deployment publishes to (s3://, https:// webhooks) */
    public DeliverableDeployer(@All List<DeployTarget> targets) {
        this.targets = List.copyOf(targets);
    }

    public Uni<Void> deployIfAsked(TaskRun run) {
        TaskConfig config = run.config();
        if (!config.autoDeploy() || config.deployTarget() == null || run.isFinished()) {
            return Uni.createFrom().voidItem();
        }
        String target = config.deployTarget();
        if (run.deployment().filter(d -> !Deployment.AWAITING_APPROVAL.equals(d.status())).isPresent()) {
            // A restored run that deployed before its crash: the outcome stands.
            return Uni.createFrom().voidItem();
        }
        if (AutonomyPolicy.sideEffectsNeedApproval(config.autonomyLevel()) && !run.pauseControl().deployApproved()
                && !run.pauseControl().awaitsApproval(PendingAction.DEPLOY)) {
            run.deployment(new Deployment(target, Deployment.AWAITING_APPROVAL, null, null));
            run.pauseControl().awaitApproval(new PendingAction(PendingAction.DEPLOY,
                    "Approve publishing " + run.files().list().size() + " file(s) to " + target + ".",
                    run.files().list().stream().map(StoredFile::name).toList(), target));
        }
        return run.pauseControl().gate()
                .flatMap(open -> run.isFinished() ? Uni.createFrom().nullItem() : deploy(run, target))
                .onItem().ifNotNull().invoke(url -> {
                    Log.infof("task %s: deployed to %s", run.taskId(), target);
                    run.deployment(new Deployment(target, Deployment.SUCCEEDED, url, null));
                })
                .onFailure(DeployFailure.class).recoverWithItem(e -> {
                    DeployFailure failure = (DeployFailure) e;
                    Log.warnf("task %s: deploy to %s failed: %s", run.taskId(), target, failure.getMessage());
                    run.deployment(new Deployment(target, Deployment.FAILED, null,
                            new TaskError(failure.code(), failure.getMessage())));
                    return null;
                })
                .replaceWithVoid();
    }

    private Uni<String> deploy(TaskRun run, String target) {
        URI uri;
        try {
            uri = new URI(target);
        } catch (URISyntaxException e) {
            return Uni.createFrom().failure(new DeployFailure("deploy_target_invalid", "Not a URI: " + target));
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme();
        Deliverables deliverables = new Deliverables(run.taskId(), run.accountId(), run.mode(), run.files().list());
        return targets.stream().filter(t -> t.accepts(scheme)).findFirst()
                .map(t -> Uni.createFrom().deferred(() -> t.deploy(deliverables, uri)))
                .orElseGet(() -> Uni.createFrom().failure(new DeployFailure("deploy_target_invalid",
                        "Deploy targets are s3://bucket/prefix or https:// webhooks.")));
    }
}
