package com.miteos.model.http;

import java.util.Locale;

/**
 * What a download answers to a {@code Range} header (RFC 9110, section 14), for a file of a known
 * size. Exactly one range is served:
 * <ul>
 *   <li>no header, a malformed one, another unit than {@code bytes}, or several ranges: the whole
 *       file, {@code 200} ({@link #whole}). RFC 9110 lets a server ignore any Range header; S3
 *       itself answers a multi-range request with the whole object, and a client that asked for
 *       parts always understands a whole file;</li>
 *   <li>{@code bytes=a-b}, {@code bytes=a-}, {@code bytes=-n} that overlap the file: {@code 206},
 *       {@code Content-Range: bytes first-last/size} (a last position past the end, or a suffix
 *       longer than the file, is cut to the file);</li>
 *   <li>a single range that does not overlap the file (first position at or past the end, a
 *       suffix of 0, any range of an empty file): {@code 416}, {@code Content-Range: bytes *&#47;size}.</li>
 * </ul>
 *
 * @param status 200, 206 or 416
 * @param first  first byte served (0 for 200; meaningless for 416)
 * @param length number of bytes served (the size for 200, 0 for 416)
 * @param size   the file's size
 */
public record ByteRange(int status, long first, long length, long size) {

    /** The whole file, as answered without (a usable) Range header. */
    public static ByteRange whole(long size) {
        return new ByteRange(200, 0, size, size);
    }

    /** The answer to {@code header} (may be null) for a file of {@code size} bytes. */
    public static ByteRange of(String header, long size) {
        if (header == null) {
            return whole(size);
        }
        int eq = header.indexOf('=');
        if (eq < 0 || !header.substring(0, eq).trim().toLowerCase(Locale.ROOT).equals("bytes")) {
            return whole(size);
        }
        String set = header.substring(eq + 1).trim();
        if (set.isEmpty() || set.indexOf(',') >= 0) {
            // empty: malformed; a comma: several ranges (or a malformed list) - both served whole.
            return whole(size);
        }
        int dash = set.indexOf('-');
        if (dash < 0) {
            return whole(size);
        }
        String from = set.substring(0, dash);
        String to = set.substring(dash + 1);
        if (from.isEmpty()) {
            // suffix range: the last n bytes
            long n = digits(to);
            if (n < 0) {
                return whole(size);
            }
            if (n == 0 || size == 0) {
                return unsatisfiable(size);
            }
            long length = Math.min(n, size);
            return new ByteRange(206, size - length, length, size);
        }
        long first = digits(from);
        if (first < 0) {
            return whole(size);
        }
        long last;
        if (to.isEmpty()) {
            last = Long.MAX_VALUE;
        } else {
            last = digits(to);
            if (last < 0 || last < first) {
                return whole(size); // invalid range-spec: ignored
            }
        }
        if (first >= size) {
            return unsatisfiable(size);
        }
        long end = Math.min(last, size - 1);
        return new ByteRange(206, first, end - first + 1, size);
    }

    /** {@code Content-Range} for a 206 or 416; null for a 200. */
    public String contentRange() {
        return switch (status) {
            case 206 -> "bytes " + first + "-" + (first + length - 1) + "/" + size;
            case 416 -> "bytes */" + size;
            default -> null;
        };
    }

    public boolean partial() {
        return status == 206;
    }

    private static ByteRange unsatisfiable(long size) {
        return new ByteRange(416, 0, 0, size);
    }

    /**
     * A non-empty run of ASCII digits as a number (saturating at {@link Long#MAX_VALUE}: a position
     * past any file), or -1 if it is anything else.
     */
    private static long digits(String s) {
        if (s.isEmpty()) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            int d = c - '0';
            value = value > (Long.MAX_VALUE - d) / 10 ? Long.MAX_VALUE : value * 10 + d;
        }
        return value;
    }
}
