package com.miteos.orchestrator.port.deploy;

import io.smallrye.mutiny.Uni;

import java.net.URI;

/** A kind of place deliverables can be published to, chosen by the {@code deploy_target}'s URI scheme. */
public interface DeployTarget {

    /** Whether this target publishes to URIs of {@code scheme} (as written; empty when the URI has none). */
    boolean accepts(String scheme);

    /**
     * Publishes the deliverables to {@code target}; answers the URL where they are now. A deploy
     * that does not happen fails with a {@link DeployFailure} (thrown here or as the answer).
     */
    Uni<String> deploy(Deliverables deliverables, URI target);
}
