package com.miteos.deploy.monitoring;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression reads. Not a parser: it removes what cannot be a metric
 * name (string literals, label matchers, ranges, the label lists of by/without/on/ignoring/
 * group_left/group_right, Grafana variables such as {@code $__rate_interval}), then takes every
 * remaining identifier that is not a keyword, an aggregation operator or a function call.
 */
final class PromQl {

    private static final Pattern STRINGS = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
    private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
    private static final Pattern RANGES = Pattern.compile("\\[[^]]*]");
    private static final Pattern LABEL_LISTS =
            Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern VARIABLES = Pattern.compile("\\$\\{[^}]*}|\\$\\w+");
    private static final Pattern TOKENS = Pattern.compile("[0-9][0-9a-zA-Z_.+-]*|([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?");
    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "bool", "and", "or", "unless", "offset", "inf", "nan", "atan2",
            "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk",
            "quantile", "limitk", "limit_ratio");

    private PromQl() {
    }

    static Set<String> metricNames(String expression) {
        String text = STRINGS.matcher(expression).replaceAll(" ");
        text = MATCHERS.matcher(text).replaceAll(" ");
        text = RANGES.matcher(text).replaceAll(" ");
        text = LABEL_LISTS.matcher(text).replaceAll("$1 ");
        text = VARIABLES.matcher(text).replaceAll(" ");
        Set<String> names = new LinkedHashSet<>();
        Matcher tokens = TOKENS.matcher(text);
        while (tokens.find()) {
            String name = tokens.group(1);
            boolean call = tokens.group(2) != null;
            if (name != null && !call && !KEYWORDS.contains(name)) {
                names.add(name);
            }
        }
        return names;
    }
}
