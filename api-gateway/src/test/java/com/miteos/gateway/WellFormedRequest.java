package com.miteos.gateway;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Decides whether the bytes of a request are one well-formed HTTP/1.1 request (RFC 9112, strictly:
 * no bare LF, no obsolete line folding, no fragment, valid percent-escapes) within the gateway's
 * limits, as the fuzz test needs: a server may drop the connection of a request that is not, but
 * must answer one that is.
 *
 * <p>Well-formed: a request line {@code method SP request-target SP HTTP/d.d} (method a token;
 * target in origin form with only URI characters and valid {@code %XX}, absolute form, or
 * {@code *}); header fields {@code token ":" value} with values of visible characters, obs-text,
 * spaces and tabs; exactly one {@code Host}; a body framed by exactly one {@code Content-Length}
 * or by {@code Transfer-Encoding: chunked} (not both), all of it sent and nothing after it.
 * Within limits: request line at most {@link PinnedDefaults#MAX_REQUEST_LINE_BYTES} bytes, header
 * lines at most {@link PinnedDefaults#MAX_HEADER_BYTES} bytes in all less a reserve for headers a
 * client adds itself, body at most {@link PinnedDefaults#MAX_BODY_BYTES}. Narrower than the RFC
 * on purpose, and then counted as malformed: chunk extensions, trailers, codings other than
 * {@code chunked}, duplicate {@code Content-Length}s even when equal (the corpus has none of
 * the first three).
 */
final class WellFormedRequest {

    enum Kind { WELL_FORMED, MALFORMED, OVER_LIMIT }

    /**
     * The verdict, with the first reason a request is not well-formed or over a limit, and whether
     * its end cannot be told from its bytes (a body announced but not all sent, or framed in a way
     * that cannot be read): a server may rightly wait for more of such a request.
     */
    record Verdict(Kind kind, String reason, boolean endUnknown) {

        static final Verdict WELL_FORMED = new Verdict(Kind.WELL_FORMED, "", false);
    }

    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    /** The characters of a URI that may stand for themselves in a request target (RFC 3986). */
    private static final String URI_CHARACTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
            + "-._~!$&'()*+,;=:@/?";
    private static final Pattern VERSION = Pattern.compile("HTTP/[0-9]\\.[0-9]");
    private static final Pattern DIGITS = Pattern.compile("[0-9]+");
    private static final byte[] END_OF_HEAD = {'\r', '\n', '\r', '\n'};

    private WellFormedRequest() {
    }

    /**
     * The verdict on {@code request}; {@code clientHeaderReserve} bytes of the header limit are
     * kept for headers the sending client adds to those in the bytes (0 for bytes sent as they are).
     */
    static Verdict of(byte[] request, int clientHeaderReserve) {
        int headEnd = indexOf(request, END_OF_HEAD);
        if (headEnd < 0) {
            return unframed("no empty line ends the head");
        }
        String head = new String(request, 0, headEnd, StandardCharsets.ISO_8859_1);
        if (head.replace("\r\n", "").indexOf('\n') >= 0 || head.replace("\r\n", "").indexOf('\r') >= 0) {
            return malformed("a bare LF or CR in the head");
        }
        String[] lines = head.split("\r\n", -1);
        Verdict line = requestLine(lines[0]);
        if (line.kind() != Kind.WELL_FORMED) {
            return line;
        }
        List<String[]> fields = new ArrayList<>();
        long fieldBytes = 0;
        for (int i = 1; i < lines.length; i++) {
            String field = lines[i];
            int colon = field.indexOf(':');
            if (field.startsWith(" ") || field.startsWith("\t")) {
                return malformed("obsolete line folding");
            }
            if (colon <= 0 || !TOKEN.matcher(field.substring(0, colon)).matches()) {
                return malformed("a header line that is not token \":\" value");
            }
            String value = withoutOptionalWhitespace(field.substring(colon + 1));
            if (!value.chars().allMatch(c -> c == ' ' || c == '\t' || (c >= 0x21 && c != 0x7f))) {
                return malformed("a control character in a header value");
            }
            fields.add(new String[] {field.substring(0, colon).toLowerCase(Locale.ROOT), value});
            fieldBytes += field.length();
        }
        if (values(fields, "host").size() != 1) {
            return malformed("not exactly one Host");
        }
        if (fieldBytes > PinnedDefaults.MAX_HEADER_BYTES - clientHeaderReserve) {
            return new Verdict(Kind.OVER_LIMIT, "header lines of " + fieldBytes + " bytes", false);
        }
        return body(fields, request.length - headEnd - END_OF_HEAD.length, request, headEnd + END_OF_HEAD.length);
    }

    private static Verdict requestLine(String line) {
        String[] parts = line.split(" ", -1);
        if (parts.length != 3 || !TOKEN.matcher(parts[0]).matches() || !VERSION.matcher(parts[2]).matches()) {
            return malformed("not a request line");
        }
        String target = parts[1];
        boolean originForm = target.startsWith("/") && isUri(target);
        boolean absoluteForm = (target.startsWith("http://") || target.startsWith("https://"))
                && isUri(target.replace("[", "").replace("]", ""));
        if (!(originForm || absoluteForm || target.equals("*"))) {
            return malformed("a request target that is not a URI reference of the allowed forms");
        }
        if (line.length() > PinnedDefaults.MAX_REQUEST_LINE_BYTES) {
            return new Verdict(Kind.OVER_LIMIT, "a request line of " + line.length() + " bytes", false);
        }
        return Verdict.WELL_FORMED;
    }

    private static Verdict body(List<String[]> fields, int sent, byte[] request, int bodyStart) {
        List<String> lengths = values(fields, "content-length");
        List<String> encodings = values(fields, "transfer-encoding");
        if (!lengths.isEmpty() && !encodings.isEmpty()) {
            return unframed("both Content-Length and Transfer-Encoding");
        }
        if (!encodings.isEmpty()) {
            if (encodings.size() != 1 || !encodings.get(0).equalsIgnoreCase("chunked")) {
                return unframed("a transfer coding other than chunked alone");
            }
            return chunked(request, bodyStart);
        }
        if (lengths.size() > 1 || (lengths.size() == 1 && !DIGITS.matcher(lengths.get(0)).matches())) {
            return unframed("not exactly one valid Content-Length");
        }
        String length = lengths.isEmpty() ? "0" : lengths.get(0).replaceFirst("^0+(?=.)", "");
        if (length.length() > 9 || Long.parseLong(length) > PinnedDefaults.MAX_BODY_BYTES) {
            return new Verdict(Kind.OVER_LIMIT, "a body of " + length + " bytes", true);
        }
        long declared = Long.parseLong(length);
        if (declared > sent) {
            return unframed(declared + " bytes of body declared, " + sent + " sent");
        }
        return declared < sent ? malformed("bytes after the body") : Verdict.WELL_FORMED;
    }

    /** Chunks of {@code hex-size CRLF data CRLF}, a last chunk {@code 0 CRLF}, no trailer, an empty line, the end. */
    private static Verdict chunked(byte[] request, int at) {
        long total = 0;
        while (true) {
            int lineEnd = indexOf(request, new byte[] {'\r', '\n'}, at);
            if (lineEnd < 0) {
                return unframed("a chunk size line never ends");
            }
            String size = new String(request, at, lineEnd - at, StandardCharsets.ISO_8859_1);
            if (!size.matches("[0-9A-Fa-f]{1,7}")) {
                return unframed("an invalid chunk size");
            }
            int length = Integer.parseInt(size, 16);
            at = lineEnd + 2;
            if (length == 0) {
                return request.length == at + 2 && request[at] == '\r' && request[at + 1] == '\n' ? Verdict.WELL_FORMED
                        : unframed("not an empty line after the last chunk, or bytes after it");
            }
            total += length;
            if (total > PinnedDefaults.MAX_BODY_BYTES) {
                return new Verdict(Kind.OVER_LIMIT, "a chunked body over the limit", false);
            }
            if (request.length < at + length + 2) {
                return unframed("a chunk shorter than its size");
            }
            if (request[at + length] != '\r' || request[at + length + 1] != '\n') {
                return malformed("a chunk longer than its size");
            }
            at += length + 2;
        }
    }

    /** Only URI characters and valid percent-escapes (a loop: a regular expression overflows the stack on 4 KiB). */
    private static boolean isUri(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%') {
                if (i + 2 >= text.length() || Character.digit(text.charAt(i + 1), 16) < 0
                        || Character.digit(text.charAt(i + 2), 16) < 0) {
                    return false;
                }
                i += 2;
            } else if (URI_CHARACTERS.indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }

    /** The value without the spaces and tabs around it (OWS), and nothing else stripped. */
    private static String withoutOptionalWhitespace(String value) {
        int start = 0;
        int end = value.length();
        while (start < end && (value.charAt(start) == ' ' || value.charAt(start) == '\t')) {
            start++;
        }
        while (end > start && (value.charAt(end - 1) == ' ' || value.charAt(end - 1) == '\t')) {
            end--;
        }
        return value.substring(start, end);
    }

    private static List<String> values(List<String[]> fields, String name) {
        return fields.stream().filter(f -> f[0].equals(name)).map(f -> f[1]).toList();
    }

    private static Verdict malformed(String reason) {
        return new Verdict(Kind.MALFORMED, reason, false);
    }

    private static Verdict unframed(String reason) {
        return new Verdict(Kind.MALFORMED, reason, true);
    }

    private static int indexOf(byte[] bytes, byte[] sought) {
        return indexOf(bytes, sought, 0);
    }

    private static int indexOf(byte[] bytes, byte[] sought, int from) {
        outer:
        for (int i = from; i <= bytes.length - sought.length; i++) {
            for (int j = 0; j < sought.length; j++) {
                if (bytes[i + j] != sought[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
