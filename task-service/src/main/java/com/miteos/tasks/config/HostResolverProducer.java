package com.miteos.tasks.config;

import com.miteos.net.HostResolver;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The resolver webhook URLs are looked up with: the system's. A bean so that a test profile can
 * answer names itself (never querying real DNS), as the SSRF corpus needs.
 */
public class HostResolverProducer {

    @Produces
    @Singleton
    @DefaultBean
    HostResolver systemResolver() {
        return HostResolver.system();
    }
}
