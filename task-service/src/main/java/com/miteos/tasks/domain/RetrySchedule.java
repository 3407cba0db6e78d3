package com.miteos.tasks.domain;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * When a failed webhook delivery is tried again: the waits of the configured schedule in order,
 * each with up to 20 % of jitter so that the retries of many deliveries that failed together
 * (an endpoint back from an outage) do not arrive together.
 */
public final class RetrySchedule {

    private static final double JITTER = 0.2;

    private final List<Duration> waits;

    private RetrySchedule(List<Duration> waits) {
        this.waits = List.copyOf(waits);
    }

    /** Reads {@code "5s,5m,30m,2h,5h,10h"}: numbers with a unit of ms, s, m, h or d. */
    public static RetrySchedule parse(String text) {
        List<Duration> waits = new ArrayList<>();
        for (String part : text.split(",")) {
            String entry = part.strip().toLowerCase(Locale.ROOT);
            if (entry.isEmpty()) {
                continue;
            }
            waits.add(duration(entry));
        }
        return new RetrySchedule(waits);
    }

    public List<Duration> waits() {
        return waits;
    }

    /**
     * The wait before the next attempt after {@code attempts} attempts failed, or empty when the
     * schedule is used up and the delivery has failed for good.
     */
    public Optional<Duration> after(int attempts, RandomGenerator random) {
        if (attempts < 1 || attempts > waits.size()) {
            return Optional.empty();
        }
        Duration wait = waits.get(attempts - 1);
        double factor = 1 + JITTER * (2 * random.nextDouble() - 1);
        return Optional.of(Duration.ofMillis(Math.max(1, Math.round(wait.toMillis() * factor))));
    }

    private static Duration duration(String entry) {
        int unitStart = 0;
        while (unitStart < entry.length() && Character.isDigit(entry.charAt(unitStart))) {
            unitStart++;
        }
        if (unitStart == 0) {
            throw new IllegalArgumentException("not a wait: '" + entry + "' (expected e.g. 5s, 30m, 2h)");
        }
        long amount = Long.parseLong(entry.substring(0, unitStart));
        return switch (entry.substring(unitStart)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            case "d" -> Duration.ofDays(amount);
            default -> throw new IllegalArgumentException("unknown unit in '" + entry + "' (ms, s, m, h or d)");
        };
    }
}
