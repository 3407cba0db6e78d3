package com.miteos.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;

/**
 * One read of this service's {@code /q/metrics} (Prometheus text format): the series with their
 * labels and values, and each family's description; and the lines of the committed catalog
 * ({@code deploy/prometheus/metrics.txt}) that name a service.
 */
public record Scrape(List<Sample> samples, Map<String, String> help) {

    public record Sample(String name, Map<String, String> labels, double value) {
    }

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+(\\S+).*$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    public static Scrape now() {
        return parse(given().accept("text/plain").get("/q/metrics").then().statusCode(200).extract().asString());
    }

    public static Scrape parse(String text) {
        List<Sample> samples = new java.util.ArrayList<>();
        Map<String, String> help = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# HELP ")) {
                String[] parts = line.substring(7).split(" ", 2);
                help.put(parts[0], parts.length > 1 ? parts[1].trim() : "");
            } else if (!line.isBlank() && !line.startsWith("#")) {
                Matcher m = SAMPLE.matcher(line);
                if (m.matches()) {
                    Map<String, String> labels = new LinkedHashMap<>();
                    if (m.group(3) != null) {
                        Matcher l = LABEL.matcher(m.group(3));
                        while (l.find()) {
                            labels.put(l.group(1), l.group(2));
                        }
                    }
                    samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(4))));
                }
            }
        }
        return new Scrape(samples, help);
    }

    /** The series names exposed. */
    public Set<String> names() {
        Set<String> names = new LinkedHashSet<>();
        samples.forEach(s -> names.add(s.name()));
        return names;
    }

    /** The sum of the series of this name whose labels include {@code labels} (key, value, key, value…). */
    public double sum(String name, String... labels) {
        return samples.stream().filter(s -> s.name().equals(name) && has(s.labels(), labels))
                .mapToDouble(Sample::value).sum();
    }

    /** The description of the family a series belongs to (a histogram's _bucket, _count and _sum share one). */
    public String description(String series) {
        for (String family = series; ; family = family.substring(0, family.lastIndexOf('_'))) {
            if (help.containsKey(family)) {
                return help.get(family);
            }
            if (family.lastIndexOf('_') < 0) {
                return null;
            }
        }
    }

    private static boolean has(Map<String, String> actual, String... wanted) {
        for (int i = 0; i < wanted.length; i += 2) {
            if (!wanted[i + 1].equals(actual.get(wanted[i]))) {
                return false;
            }
        }
        return true;
    }

    /** The series names the catalog lists for a service. */
    public static Set<String> catalog(String service) {
        Path file = Path.of("..", "deploy", "prometheus", "metrics.txt");
        try {
            Set<String> names = new LinkedHashSet<>();
            for (String line : Files.readAllLines(file)) {
                String[] fields = line.trim().split("\\s+");
                if (fields.length == 2 && !line.startsWith("#") && fields[0].equals(service)) {
                    names.add(fields[1]);
                }
            }
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException("the catalog " + file.toAbsolutePath() + " is missing", e);
        }
    }
}
