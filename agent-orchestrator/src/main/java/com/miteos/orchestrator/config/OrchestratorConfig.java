package com.miteos.orchestrator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The orchestrator's settings. Every default, and the environment variable that overrides it,
 * is in application.properties and nowhere else (no {@code @WithDefault} here); the README's
 * settings table lists them all.
 */
@ConfigMapping(prefix = "miteos")
public interface OrchestratorConfig {

    Agents agents();

    Files files();

    Pricing pricing();

    Storage s3();

    Search search();

    Deploy deploy();

    Llm llm();

    Outbox outbox();

    Recovery recovery();

    Tracing tracing();

    /** What the orchestrator's spans record (README, "Tracing"). */
    interface Tracing {
        /**
         * Whether model-call spans carry the prompts and completions ({@code gen_ai.input.messages},
         * {@code gen_ai.output.messages}). Off unless an operator opts in: they hold the user's data.
         */
        boolean content();
    }

    /** The relay that publishes the orchestrator's events from its outbox table. */
    interface Outbox {
        /** How often the relay looks for rows besides being woken by each commit. */
        Duration pollInterval();

        /** Rows published per transaction. */
        int batchSize();

        /** How long sent rows are kept (for inspection) before they are deleted. */
        Duration retention();
    }

    /** Resuming tasks after crashes and restarts. */
    interface Recovery {
        /** This process's name as the owner of its tasks; the host name when unset. Unique per replica. */
        Optional<String> instanceId();

        /** How often this instance says it is alive, and looks for tasks to take over. */
        Duration heartbeatInterval();

        /** After this long without a heartbeat an instance's unfinished tasks are resumed elsewhere. */
        Duration ownerTimeout();

        /** A task resumed more often than this fails with owner_lost instead (a task that crashes its orchestrator). */
        int maxResumes();

        /**
         * At start, and when a command partition comes here, resumed tasks wait until the commands
         * already in Kafka (cancel, pause) are read, at most this long.
         */
        Duration catchUpTimeout();

        /**
         * When Kafka takes command partitions away, their runs stop and the journal is flushed
         * within this time before the partitions are released to their next owner.
         */
        Duration revokeDrainTimeout();

        /**
         * At start, this process joins the command consumer group (and gets partitions, and their
         * tasks) only once its tasks are recovered and its first use of the database, Kafka and the
         * run's code paths is done; a warm-up step that takes longer than this is given up on and
         * the process joins all the same.
         */
        Duration joinWarmUpTimeout();

        /** false: joins the command consumer group at once at start, cold (as before; for comparisons). */
        boolean warmJoin();
    }

    /** The live model: any OpenAI-compatible chat-completions server with tool calling. */
    interface Llm {
        /** e.g. {@code https://api.openai.com/v1} or {@code http://localhost:11434/v1}; none: live tasks fail. */
        Optional<String> baseUrl();

        Optional<String> apiKey();

        Optional<String> model();

        /** A separate model for planning; defaults to {@link #model()}. */
        Optional<String> plannerModel();

        Duration connectTimeout();

        /** The longest silence while waiting for the model's answer. */
        Duration requestTimeout();

        /** Tries per call, retrying 429, 5xx and broken connections with backoff and Retry-After. */
        int maxAttempts();

        Optional<Double> temperature();

        /** Whether planning asks for {@code response_format: json_object}; off for servers that reject it. */
        boolean plannerJsonMode();

        int maxConnections();

        /** Credits per 1,000 tokens of the live model(s), unless the price table names them. */
        @WithName("price-input-per-1k")
        BigDecimal priceInputPer1k();

        @WithName("price-output-per-1k")
        BigDecimal priceOutputPer1k();
    }

    interface Deploy {
        /** The HMAC-SHA256 key that signs webhook deploys ({@code X-Miteos-Signature}); none: webhooks refused. */
        Optional<String> webhookSecret();

        /** Whether webhook targets may resolve to private or loopback addresses (tests and closed networks). */
        boolean allowPrivateTargets();

        Duration timeout();

        /**
         * The buckets {@code s3://} deploy targets may name; none: S3 deploys are refused. Every
         * deploy writes under {@code <account>/<mode>/} in the bucket, so tenants cannot overwrite
         * each other.
         */
        Optional<List<String>> s3Buckets();

        /** How long the signed download URLs in a webhook manifest work. */
        Duration urlValidity();
    }

    interface Search {
        /** Which web search live agents get: none (web_search not offered), searxng or brave. */
        String provider();

        /** Base URL of the SearXNG instance, e.g. {@code http://searxng:8080}. */
        Optional<String> searxngUrl();

        String braveUrl();

        Optional<String> braveApiKey();

        Duration timeout();
    }

    interface Agents {
        /** Model calls one agent may make before it is stopped. */
        int maxSteps();

        /** Wall-clock limit of a whole task. */
        Duration taskTimeout();

        /** Model tokens (input and output, all agents) one task may use. */
        long maxTokensPerTask();

        /**
         * The output limit of a model call of a task with a budget cap: sent with the call, and
         * the output half of the price reserved for it before it is made.
         */
        int maxOutputTokensPerCall();

        /** Tasks this instance runs at once (0: no limit); more wait in line for a free slot. */
        int maxRunningTasks();
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

        /**
         * The most S3 calls made at once; more wait their turn. Each holds a thread while it runs
         * (the MinIO SDK blocks), so this bounds the threads file writes use however many agents write.
         */
        int maxConcurrentCalls();
    }
}
