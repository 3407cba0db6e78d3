package com.miteos.tasks.inbox;

import io.smallrye.config.ConfigMapping;

import java.time.Duration;

/**
 * Pruning of the {@code processed_events} deduplication table; defaults and environment variables
 * are in application.properties.
 */
@ConfigMapping(prefix = "miteos.processed-events")
public interface ProcessedEventsConfig {

    /** How often rows older than {@link #retention()} are deleted. */
    Duration pruneInterval();

    /** How long an event id is remembered after its event was projected. */
    Duration retention();
}
