package com.miteos.orchestrator.port.web;

import io.smallrye.mutiny.Uni;

/**
 * Reads a public web page as text. URLs come from models and are treated as hostile: an
 * implementation refuses internal, private and metadata targets (after resolving, and on every
 * redirect) and bounds time and size; every refusal is a {@link FetchRefusal} in words a model
 * can act on.
 */
public interface PageFetcher {

    Uni<FetchedPage> fetch(String url);
}
