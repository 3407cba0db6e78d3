package com.miteos.orchestrator.adapter.net;

import com.miteos.net.HostResolver;
import com.miteos.net.SsrfGuard;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/**
 * Makes the production {@link UrlFetcher} a bean: the operating system's resolver, public
 * addresses only, default limits. The fetcher and its guard stay plain Java so that tests build
 * them with their own resolver, policy and limits; only this class knows about CDI.
 */
@ApplicationScoped
public class UrlFetcherProducer {

    private static final Logger LOG = Logger.getLogger(UrlFetcherProducer.class);

    /** One fetcher, and so one HTTP client and connection pool, for all agents. */
    @Produces
    @Singleton
    UrlFetcher urlFetcher() {
        UrlFetcher fetcher = new UrlFetcher(new SsrfGuard(HostResolver.system()), FetchLimits.defaults());
        if (!UrlFetcher.pinsPlainHttp()) {
            LOG.warn("fetch_url and webhook deploys cannot pin plain-http requests to the vetted address, so DNS "
                    + "rebinding is possible; start the JVM with -Djdk.httpclient.allowRestrictedHeaders=host");
        }
        return fetcher;
    }
}
