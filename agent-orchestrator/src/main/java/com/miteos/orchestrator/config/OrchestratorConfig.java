package com.miteos.orchestrator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import com.miteos.orchestrator.tool.search.BraveSearchProvider;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** The orchestrator's settings; defaults and environment variables are in application.properties. */
@ConfigMapping(prefix = "miteos")
public interface OrchestratorConfig {

    Agents agents();

    Files files();

    Pricing pricing();

    Storage s3();

    Search search();

    Deploy deploy();

    interface Deploy {
        /** The HMAC-SHA256 key that signs webhook deploys ({@code X-Miteos-Signature}); none: webhooks refused. */
        Optional<String> webhookSecret();

        /** Whether webhook targets may resolve to private or loopback addresses (tests and closed networks). */
        @WithDefault("false")
        boolean allowPrivateTargets();

        @WithDefault("PT15S")
        Duration timeout();

        /** How long the signed download URLs in a webhook manifest work. */
        @WithDefault("PT1H")
        Duration urlValidity();
    }

    interface Search {
        /** Which web search live agents get: none (web_search not offered), searxng or brave. */
        @WithDefault("none")
        String provider();

        /** Base URL of the SearXNG instance, e.g. {@code http://searxng:8080}. */
        Optional<String> searxngUrl();

        @WithDefault(BraveSearchProvider.DEFAULT_URL)
        String braveUrl();

        Optional<String> braveApiKey();

        @WithDefault("PT10S")
        Duration timeout();
    }

    interface Agents {
        /** Model calls one agent may make before it is stopped. */
        int maxSteps();

        /** Wall-clock limit of a whole task. */
        Duration taskTimeout();
    }

    interface Files {
        int maxCount();

        long maxFileBytes();

        long maxTotalBytes();
    }

    interface Pricing {
        /** Credits per 1,000 tokens, by model name. */
        Map<String, ModelPrice> models();

        /** Credits per call, by tool name; a tool not listed costs nothing. */
        Map<String, BigDecimal> tools();
    }

    interface ModelPrice {
        @WithName("input-per-1k")
        BigDecimal inputPer1k();

        @WithName("output-per-1k")
        BigDecimal outputPer1k();
    }

    interface Storage {
        String endpoint();

        /** The S3 endpoint as clients reach it: signed URLs and deployed index URLs point here. */
        String publicEndpoint();

        String accessKey();

        String secretKey();

        String region();

        String bucket();
    }
}
