package com.miteos.orchestrator;

import com.miteos.orchestrator.adapter.net.FetchLimits;
import com.miteos.net.SsrfGuard;
import com.miteos.net.StandInPolicy;
import com.miteos.net.TestDns;
import com.miteos.orchestrator.adapter.net.UrlFetcher;
import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * For the live-task tests only: {@code fetch_url} through the real guard and fetcher, but with
 * 127.0.0.2 playing a public web site named {@link #HOST}, so a fetched page can be served on
 * this machine. Everything else stays refused, 127.0.0.1 included.
 */
@Alternative
@Priority(1)
public class StandInWeb {

    static final String HOST = "evil.test";

    @Produces
    @Singleton
    UrlFetcher standInFetcher() {
        return new UrlFetcher(new SsrfGuard(new TestDns().answer(HOST, StandInPolicy.STAND_IN), new StandInPolicy()),
                FetchLimits.defaults());
    }
}
