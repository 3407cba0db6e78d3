package com.miteos.orchestrator.adapter.net;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeTraversor;
import org.jsoup.select.NodeVisitor;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.util.Set;

/**
 * Turns an HTML page into the text a person would read on it, in a light Markdown shape
 * (headings, list items, links with their targets) that models read well.
 *
 * <p>Models are billed per token and have a limited context, so everything that is not
 * content goes: scripts, styles, templates, embedded objects, SVG and elements marked
 * {@code hidden}. Layout is kept only as line breaks at block elements; whitespace inside
 * {@code <pre>} is kept as is because it is code. Links keep their absolute http(s) target so
 * that an agent can follow them with another fetch.
 */
final class ReadableText {

    private static final String NOT_CONTENT =
            "script, style, noscript, template, iframe, frame, object, embed, svg, canvas, [hidden]";
    private static final Set<String> BLOCKS = Set.of("address", "article", "aside", "blockquote", "details",
            "dd", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "header", "hr",
            "main", "nav", "ol", "p", "section", "summary", "table", "tr", "ul", "caption", "center");
    private static final Set<String> SPACED_BLOCKS = Set.of("p", "blockquote", "table", "pre", "section",
            "article", "figure");

    private ReadableText() {
    }

    /**
     * @param charset the charset the server declared, or null to let jsoup detect it from a
     *                byte order mark or {@code <meta charset>} (UTF-8 if there is none)
     */
    static String fromHtml(byte[] html, String charset, String url) {
        Document document;
        try {
            document = Jsoup.parse(new ByteArrayInputStream(html), supported(charset), url);
        } catch (IOException e) {
            throw new UncheckedIOException("reading an in-memory array cannot fail", e);
        }
        document.select(NOT_CONTENT).remove();
        StringBuilder out = new StringBuilder();
        String title = document.title().strip();
        if (!title.isEmpty()) {
            out.append("# ").append(title).append("\n\n");
        }
        NodeTraversor.traverse(new TextCollector(out), document.body());
        return tidy(out);
    }

    /** A charset name jsoup can use, else null (detect): servers send misspelt names. */
    private static String supported(String charset) {
        try {
            return charset != null && Charset.isSupported(charset) ? charset : null;
        } catch (IllegalCharsetNameException e) {
            return null;
        }
    }

    /** Trailing spaces off every line, at most one empty line in a row, no empty start or end. */
    private static String tidy(CharSequence text) {
        StringBuilder tidy = new StringBuilder(text.length());
        int blankLines = 0;
        for (String line : text.toString().split("\n", -1)) {
            String trimmed = line.stripTrailing();
            if (trimmed.isEmpty()) {
                blankLines++;
                continue;
            }
            if (tidy.length() > 0) {
                tidy.append(blankLines > 0 ? "\n\n" : "\n");
            }
            tidy.append(trimmed);
            blankLines = 0;
        }
        return tidy.toString();
    }

    /** Walks the body once, writing text and the line breaks that blocks imply. */
    private static final class TextCollector implements NodeVisitor {

        private final StringBuilder out;
        private int preDepth;
        private int linkStart = -1;
        private String linkTarget;

        TextCollector(StringBuilder out) {
            this.out = out;
        }

        @Override
        public void head(Node node, int depth) {
            if (node instanceof TextNode text) {
                appendText(text);
                return;
            }
            if (!(node instanceof Element element)) {
                return;
            }
            String name = element.normalName();
            switch (name) {
                case "br" -> out.append('\n');
                case "pre" -> {
                    out.append("\n\n");
                    preDepth++;
                }
                case "h1", "h2", "h3", "h4", "h5", "h6" ->
                        out.append("\n\n").append("#".repeat(name.charAt(1) - '0')).append(' ');
                case "li" -> out.append("\n- ");
                case "td", "th" -> {
                    if (element.elementSiblingIndex() > 0) {
                        out.append(" | ");
                    }
                }
                case "a" -> startLink(element);
                default -> {
                    if (BLOCKS.contains(name)) {
                        out.append(SPACED_BLOCKS.contains(name) ? "\n\n" : "\n");
                    }
                }
            }
        }

        @Override
        public void tail(Node node, int depth) {
            if (!(node instanceof Element element)) {
                return;
            }
            String name = element.normalName();
            if (name.equals("a")) {
                endLink();
            } else if (name.equals("pre")) {
                preDepth--;
                out.append("\n\n");
            } else if (name.length() == 2 && name.charAt(0) == 'h' && Character.isDigit(name.charAt(1))) {
                out.append("\n\n");
            } else if (BLOCKS.contains(name)) {
                out.append(SPACED_BLOCKS.contains(name) ? "\n\n" : "\n");
            }
        }

        private void appendText(TextNode text) {
            if (preDepth > 0) {
                out.append(text.getWholeText());
                return;
            }
            String normalised = text.text();
            if (normalised.isEmpty()) {
                return;
            }
            boolean atLineStart = out.length() == 0 || Character.isWhitespace(out.charAt(out.length() - 1));
            out.append(atLineStart ? normalised.stripLeading() : normalised);
        }

        private void startLink(Element link) {
            String href = link.attr("href");
            String target = link.absUrl("href");
            if (linkStart < 0 && !href.startsWith("#") && (target.startsWith("http://") || target.startsWith("https://"))) {
                linkStart = out.length();
                linkTarget = target;
                out.append('[');
            }
        }

        private void endLink() {
            if (linkStart < 0) {
                return;
            }
            String label = out.substring(linkStart + 1).strip().replaceAll("\\s+", " ");
            out.setLength(linkStart);
            if (!label.isEmpty()) {
                // A link whose label is its own address needs no second copy.
                out.append(label.equals(linkTarget) ? label : "[" + label + "](" + linkTarget + ")");
            }
            linkStart = -1;
            linkTarget = null;
        }
    }
}
