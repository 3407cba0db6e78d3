package com.miteos.orchestrator.application.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.miteos.model.task.Mode;
import com.miteos.orchestrator.port.tools.AgentTool;
import com.miteos.orchestrator.port.tools.ToolArguments;
import com.miteos.orchestrator.port.tools.ToolContext;
import com.miteos.orchestrator.port.tools.ToolFailure;
import com.miteos.orchestrator.port.tools.ToolNames;
import com.miteos.orchestrator.port.web.FetchRefusal;
import com.miteos.orchestrator.port.web.FetchedPage;
import com.miteos.orchestrator.port.web.PageFetcher;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.regex.Pattern;

/**
 * {@code fetch_url}: reads a public web page for an agent, as text.
 *
 * <p>The URL comes from a model, and models follow instructions found in the pages they read,
 * so every URL is treated as hostile: the {@link PageFetcher} keeps agents away from loopback,
 * private, link-local and metadata addresses (checked after DNS resolution and again on every
 * redirect) and bounds time and size (adapter/net: an SSRF guard and a pinned HTTP client). Every refusal comes back to the
 * model as a {@link ToolFailure} it can read and work around; nothing is thrown past the loop.
 *
 * <p>Only live tasks get this tool. Sandbox tasks promise to run offline and deterministically
 * (SPEC §5: they never call an external website), and a page on the internet is neither.
 */
@ApplicationScoped
public class FetchUrlTool implements AgentTool {

    static final int MAX_URL_LENGTH = 2048;
    /**
     * At most this much text goes back to the model, the same budget as {@code read_file}: a
     * 2 MiB page would cost a fortune in tokens and crowd everything else out of the context.
     */
    static final int MAX_TEXT_CHARS = 64 * 1024;

    private static final Logger LOG = Logger.getLogger(FetchUrlTool.class);
    /** The user-info part of a URL ({@code scheme://user:password@}), up to its last '@'. */
    private static final Pattern CREDENTIALS = Pattern.compile("^([^:/?#]*://)[^/?#]*@");

    private static final ToolSpecification SPECIFICATION = ToolSpecification.builder()
            .name(ToolNames.FETCH_URL)
            .description("Fetch a public web page (HTTP GET) and return its readable text. Works for HTML, "
                    + "plain text and JSON on public http(s) addresses; internal and private addresses are "
                    + "refused. At most " + MAX_TEXT_CHARS / 1024 + " K characters are returned.")
            .parameters(JsonObjectSchema.builder()
                    .addStringProperty("url", "The absolute http:// or https:// URL to fetch")
                    .required("url")
                    .build())
            .build();

    private final PageFetcher fetcher;

    /** @param fetcher the production one is adapter/net's SSRF-safe fetcher; tests build their own */
    public FetchUrlTool(PageFetcher fetcher) {
        this.fetcher = fetcher;
    }

    @Override
    public ToolSpecification specification() {
        return SPECIFICATION;
    }

    @Override
    public boolean availableIn(ToolContext context) {
        return context.mode() == Mode.LIVE;
    }

    @Override
    public Uni<String> execute(JsonNode arguments, ToolContext context) {
        String url = ToolArguments.requiredText(arguments, "url", MAX_URL_LENGTH);
        return fetcher.fetch(url)
                .map(FetchUrlTool::render)
                .onFailure(FetchRefusal.class).transform(failure -> refused((FetchRefusal) failure, url, context));
    }

    private static ToolFailure refused(FetchRefusal refusal, String url, ToolContext context) {
        // Forbidden targets are what an SSRF attempt looks like: worth seeing in the logs.
        Logger.Level level = refusal.reason() == FetchRefusal.Reason.FORBIDDEN_TARGET ? Logger.Level.INFO
                : Logger.Level.DEBUG;
        LOG.logf(level, "fetch_url refused (%s) for task %s agent %s: %s", refusal.reason(),
                context.taskId(), context.agentId(), forLog(url));
        return new ToolFailure(refusal.getMessage());
    }

    /**
     * The URL as it may appear in a log: it comes from a model, so credentials in it are
     * masked, control characters (forged log lines) replaced, and its length bounded.
     */
    static String forLog(String url) {
        String masked = CREDENTIALS.matcher(url).replaceFirst("$1***@");
        String printable = masked.codePoints()
                .map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
        return printable.length() <= 300 ? printable : printable.substring(0, 300) + "...";
    }

    static String render(FetchedPage page) {
        String text = page.text();
        boolean cut = text.length() > MAX_TEXT_CHARS;
        if (cut) {
            int end = Character.isHighSurrogate(text.charAt(MAX_TEXT_CHARS - 1)) ? MAX_TEXT_CHARS - 1 : MAX_TEXT_CHARS;
            text = text.substring(0, end);
        }
        StringBuilder result = new StringBuilder()
                .append("URL: ").append(page.url()).append('\n')
                .append("Status: ").append(page.status()).append('\n')
                .append("Content-Type: ").append(page.contentType()).append("\n\n")
                .append(text.isBlank() ? "(the page has no readable text)" : text);
        if (page.truncated()) {
            result.append("\n\n[Truncated: the response was larger than the download limit; only its "
                    + "beginning was read.]");
        }
        if (cut) {
            result.append("\n\n[Truncated: only the first ").append(MAX_TEXT_CHARS)
                    .append(" characters of the text are shown.]");
        }
        return result.toString();
    }
}
