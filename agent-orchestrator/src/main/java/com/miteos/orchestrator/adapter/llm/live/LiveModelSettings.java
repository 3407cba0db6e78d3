package com.miteos.orchestrator.adapter.llm.live;

import com.miteos.orchestrator.port.llm.ModelPurpose;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;

/**
 * How to reach the live model: an OpenAI-compatible chat-completions server. Plain Java so that
 * it can be built from any configuration source and in tests. The configured defaults are in
 * {@code application.properties}; the two here only stand in for a timeout left null.
 *
 * <p>{@code baseUrl} is the API root that LangChain4j appends {@code /chat/completions} to, so for
 * OpenAI-style servers it ends with {@code /v1}: {@code https://api.openai.com/v1},
 * {@code http://ollama:11434/v1}, {@code http://llama-cpp:8080/v1}, {@code https://openrouter.ai/api/v1}.
 *
 * @param baseUrl          the API root, http or https, usually ending with {@code /v1}
 * @param apiKey           sent as {@code Authorization: Bearer}; null or blank sends no such header
 *                         (local servers often need none)
 * @param model            the model that runs agent steps and the synthesis
 * @param plannerModel     the model that plans; null or blank means {@code model}
 * @param connectTimeout   the longest wait for a new TCP connection to the server. Waiting for a free
 *                         connection when all {@code maxConnections} are busy is not limited by it
 * @param requestTimeout   the longest silence while waiting on the model: until the answer starts, and
 *                         between two streamed chunks. The answer streams, so a long answer does not trip it
 * @param maxAttempts      how often one call is tried before it fails (1 means no retry)
 * @param temperature      the sampling temperature; null leaves it to the server
 * @param plannerJsonMode  whether planning calls ask for {@code response_format: json_object}; some
 *                         OpenAI-compatible servers (llama.cpp, older Ollama) reject that field
 * @param maxConnections   how many HTTP/1.1 connections to the server may be open at once, which is
 *                         how many model calls can be in flight; more wait for a free connection
 */
public record LiveModelSettings(String baseUrl, String apiKey, String model, String plannerModel,
        Duration connectTimeout, Duration requestTimeout, int maxAttempts, Double temperature,
        boolean plannerJsonMode, int maxConnections) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(120);

    public LiveModelSettings {
        baseUrl = validBaseUrl(baseUrl);
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("the model name is required (MITEOS_LLM_MODEL)");
        }
        model = model.strip();
        plannerModel = plannerModel == null || plannerModel.isBlank() ? model : plannerModel.strip();
        apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey.strip();
        connectTimeout = positive(connectTimeout, DEFAULT_CONNECT_TIMEOUT, "connectTimeout");
        requestTimeout = positive(requestTimeout, DEFAULT_REQUEST_TIMEOUT, "requestTimeout");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, not " + maxAttempts);
        }
        if (temperature != null && !(temperature >= 0 && temperature <= 2)) {
            throw new IllegalArgumentException("temperature must be between 0 and 2, not " + temperature);
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1, not " + maxConnections);
        }
    }

    /** The model that answers calls of this purpose: the planner model for planning, else the agent model. */
    public String modelName(ModelPurpose purpose) {
        return purpose == ModelPurpose.PLAN ? plannerModel : model;
    }

    /** Never prints the API key: settings end up in logs and exception messages. */
    @Override
    public String toString() {
        return "LiveModelSettings[baseUrl=" + baseUrl + ", apiKey=" + (apiKey == null ? "none" : "***")
                + ", model=" + model + ", plannerModel=" + plannerModel + ", connectTimeout=" + connectTimeout
                + ", requestTimeout=" + requestTimeout + ", maxAttempts=" + maxAttempts + ", temperature="
                + temperature + ", plannerJsonMode=" + plannerJsonMode + ", maxConnections=" + maxConnections + "]";
    }

    private static String validBaseUrl(String baseUrl) {
        if (baseUrl == null || baseUrl.isBlank()) {
            throw new IllegalArgumentException("the model server's base URL is required (MITEOS_LLM_BASE_URL)");
        }
        String trimmed = baseUrl.strip();
        URI uri;
        try {
            uri = URI.create(trimmed);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the model server's base URL is not a URL: " + trimmed);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IllegalArgumentException("the model server's base URL must be an http or https URL with a "
                    + "host, such as https://api.openai.com/v1, not " + trimmed);
        }
        if (uri.getUserInfo() != null) {
            // Credentials in the URL would end up in logs; the key has its own setting.
            throw new IllegalArgumentException("the model server's base URL must not carry credentials; "
                    + "use the API key setting (MITEOS_LLM_API_KEY)");
        }
        return trimmed;
    }

    private static Duration positive(Duration value, Duration fallback, String name) {
        if (value == null) {
            return fallback;
        }
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, not " + value);
        }
        return value;
    }
}
