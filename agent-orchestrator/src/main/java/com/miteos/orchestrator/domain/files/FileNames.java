package com.miteos.orchestrator.domain.files;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Makes the names that models choose for files safe to store and serve: no directories, no
 * control or reserved characters, a bounded length, and unique within a task.
 */
public final class FileNames {

    static final int MAX_LENGTH = 120;
    static final int MAX_EXTENSION_LENGTH = 16;
    private static final String FALLBACK = "file.txt";
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("md", "text/markdown"), Map.entry("markdown", "text/markdown"),
            Map.entry("txt", "text/plain"), Map.entry("csv", "text/csv"),
            Map.entry("html", "text/html"), Map.entry("htm", "text/html"),
            Map.entry("css", "text/css"), Map.entry("js", "text/javascript"),
            Map.entry("json", "application/json"), Map.entry("xml", "application/xml"),
            Map.entry("yaml", "application/yaml"), Map.entry("yml", "application/yaml"),
            Map.entry("py", "text/x-python"), Map.entry("java", "text/x-java-source"),
            Map.entry("ts", "text/plain"), Map.entry("sql", "application/sql"),
            Map.entry("svg", "image/svg+xml"), Map.entry("sh", "text/x-shellscript"));

    private FileNames() {
    }

    public static String sanitize(String requested) {
        String name = requested == null ? "" : requested;
        int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
        name = name.substring(slash + 1);
        StringBuilder clean = new StringBuilder();
        name.codePoints().forEach(c -> {
            if (Character.isISOControl(c) || "<>:\"|?*".indexOf(c) >= 0 || Character.getType(c) == Character.FORMAT) {
                clean.append('_');
            } else {
                clean.appendCodePoint(c);
            }
        });
        String result = clean.toString().strip().replaceAll("^[.\\s]+", "").replaceAll("[.\\s]+$", "");
        if (result.length() > MAX_LENGTH) {
            String extension = extension(result);
            // An extension too long to be one is cut with the rest of the name; a name without one
            // gains no trailing dot.
            String kept = extension.isEmpty() || extension.length() > MAX_EXTENSION_LENGTH ? "" : "." + extension;
            result = cutAtCodePoint(result, MAX_LENGTH - kept.length()) + kept;
        }
        return result.isEmpty() ? FALLBACK : result;
    }

    private static String cutAtCodePoint(String text, int length) {
        int end = Math.max(1, length);
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end);
    }

    /** The MIME type for a file name, by its extension. */
    public static String contentType(String name) {
        return TYPES.getOrDefault(extension(name).toLowerCase(Locale.ROOT), "text/plain");
    }

    public static String unique(String name, Set<String> taken) {
        if (!taken.contains(name)) {
            return name;
        }
        String extension = extension(name);
        String stem = extension.isEmpty() ? name : name.substring(0, name.length() - extension.length() - 1);
        for (int i = 2; ; i++) {
            String candidate = stem + "-" + i + (extension.isEmpty() ? "" : "." + extension);
            if (!taken.contains(candidate)) {
                return candidate;
            }
        }
    }

    private static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot <= 0 || dot == name.length() - 1 ? "" : name.substring(dot + 1);
    }
}
