package com.miteos.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.time.Duration;
import java.util.Optional;

/** The gateway's own settings; defaults and environment variables are in application.properties. */
@ConfigMapping(prefix = "miteos")
public interface GatewayConfig {

    Admin admin();

    RateLimit rateLimit();

    Limits limits();

    Submissions submissions();

    Reads reads();

    Streams streams();

    Bench bench();

    /** How reads that combine two read models wait for the slower one. */
    interface Reads {
        /**
         * How long a deliverable list waits for deliverable-service to show as many files as the
         * task counts ({@code deliverables_count}); after it, the list is answered as it is.
         */
        Duration deliverablesCatchUp();
    }

    /** The task event streams ({@code GET /v1/tasks/{id}/events}). */
    interface Streams {
        /** How often a comment line is written to every open stream, so proxies and clients see it alive. */
        Duration heartbeatInterval();

        /** How often this gateway asks task-service for the new events of all its open streams (one call per 1,000). */
        Duration pollInterval();

        /** Streams one API key may hold open on this gateway at once; more are refused with 429. */
        int maxPerKey();
    }

    /** Switches for the benchmark harness ({@code bench/run}); all off in production. */
    interface Bench {
        /** Whether {@code /bench/bare}, the harness's no-work baseline, exists. */
        @WithDefault("false")
        boolean bareEndpoint();
    }

    interface Limits {
        /** Unfinished tasks one account may have in one mode; 0 turns the limit off. */
        @WithDefault("100")
        int maxActiveTasks();

        /**
         * The most submissions of one account and mode this replica admits in one transaction: those
         * that arrive while one of its admissions is under way wait and go together (group commit).
         */
        @WithDefault("64")
        int admissionBatchSize();
    }

    interface Admin {
        /** The bearer secret of the admin API. Empty: the admin API answers 404. */
        @WithName("token")
        Optional<String> token();

        /** Whether the admin API answers callers on other hosts; by default only this host's. */
        @WithName("allow-remote")
        @WithDefault("false")
        boolean allowRemote();
    }

    /** The relay that publishes accepted tasks whose {@code task.created} the broker has not acknowledged. */
    interface Submissions {
        /** How often the relay looks for unpublished submissions. */
        Duration relayInterval();

        /** How old an unpublished submission must be before the relay takes it over from its POST. */
        Duration relayGrace();

        /** How often the read model is asked which accepted tasks it shows by now ({@code ProjectionMarker}). */
        Duration projectionCheckInterval();
    }

    /** The per-API-key token bucket; either value 0 turns rate limiting off. */
    interface RateLimit {
        /** Sustained requests per second one key may make: the rate at which its bucket refills. */
        long requestsPerSecond();

        /** Requests one key may make at once: the capacity of its bucket, full for a new key. */
        long burst();

        /** Where the buckets live: shared by every replica in PostgreSQL, or in this instance's memory. */
        Store store();

        /**
         * Shared buckets only: how many tokens a replica may take from its copy of a key's bucket
         * before it writes them to the database. 0: every token is taken in the database (exact);
         * k: about k + 1 times fewer round trips, and N replicas may let up to N × k requests more
         * through than the limit. Unset (the default): 1 % of the smaller of the rate and the burst,
         * rounded down, so limits under 100 are exact and a high limit costs the database about 100
         * transactions per second per key and replica rather than one per request
         * ({@link com.miteos.gateway.repository.RateLimitBuckets#unsynchronizedTokensFor}).
         */
        Optional<Long> maxUnsynchronizedTokens();

        enum Store {
            /** In this gateway's memory: N replicas allow a key N times the limit. */
            LOCAL,
            /** In the gateway's PostgreSQL, one bucket per key for every replica. */
            SHARED
        }
    }
}
