package com.miteos.orchestrator.adapter.kafka;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once this process joined the command consumer group, i.e. once it is warm
 * ({@link CommandGroupJoin}): a rolling update then stops the next replica only after this one
 * can take partitions, and {@code ./miteos up} returns when it can.
 */
@Readiness
@ApplicationScoped
class CommandGroupReadiness implements HealthCheck {

    private final CommandGroupJoin join;

    CommandGroupReadiness(CommandGroupJoin join) {
        this.join = join;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("command-consumer-group").status(join.joined())
                .withData("joined", join.joined()).build();
    }
}
