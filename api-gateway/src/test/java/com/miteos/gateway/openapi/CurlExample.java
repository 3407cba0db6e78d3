package com.miteos.gateway.openapi;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One curl command of the API reference, taken apart: method, path, query parameters, headers and
 * body. It understands what the reference's examples use ({@code -X}, {@code -H}, {@code -d},
 * {@code -OJ}, quoted URLs, backslash-continued lines) and nothing more.
 */
record CurlExample(String text, String method, String path, Map<String, String> query,
        Map<String, String> headers, String body) {

    private static final Pattern TOKEN = Pattern.compile("'([^']*)'|\"([^\"]*)\"|(\\S+)");

    static List<CurlExample> parseAll(String file) {
        List<CurlExample> examples = new ArrayList<>();
        for (String block : file.strip().split("\\n\\s*\\n")) {
            examples.add(parse(block));
        }
        return examples;
    }

    static CurlExample parse(String command) {
        List<String> words = new ArrayList<>();
        Matcher m = TOKEN.matcher(command.replace("\\\n", " "));
        while (m.find()) {
            words.add(m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3));
        }
        if (words.isEmpty() || !words.get(0).equals("curl")) {
            throw new IllegalArgumentException("not a curl command: " + command);
        }
        String method = null;
        String url = null;
        String body = null;
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < words.size(); i++) {
            String word = words.get(i);
            switch (word) {
                case "-X" -> method = words.get(++i);
                case "-H" -> {
                    String[] header = words.get(++i).split(":", 2);
                    headers.put(header[0].trim(), header[1].trim());
                }
                case "-d" -> body = words.get(++i);
                case "-OJ", "-O", "-J" -> { }
                default -> {
                    if (word.startsWith("-")) {
                        throw new IllegalArgumentException("option " + word + " not understood in: " + command);
                    }
                    url = word;
                }
            }
        }
        URI uri = URI.create(url);
        Map<String, String> query = new LinkedHashMap<>();
        if (uri.getQuery() != null) {
            for (String pair : uri.getQuery().split("&")) {
                String[] kv = pair.split("=", 2);
                query.put(kv[0], kv.length > 1 ? kv[1] : "");
            }
        }
        String verb = method != null ? method : body != null ? "POST" : "GET";
        return new CurlExample(command, verb, uri.getPath(), query, headers, body);
    }
}
