package com.miteos.gateway.mapping;

/**
 * Rules for text a client sends. JSON escapes make it easy to send a NUL ({@code \u0000}) or a
 * lone surrogate ({@code \ud800}); PostgreSQL text cannot hold the first and UTF-8 cannot encode
 * the second, so such strings are refused at the door with a 400 instead of failing later in
 * storage or on Kafka as a 500. Text echoed back in a problem (a field name) is kept short and
 * printable.
 */
public final class ClientText {

    /** What a 400 says about text that {@link #isStorable} refuses. */
    public static final String NOT_STORABLE = "must be valid Unicode text without NUL (U+0000) characters";
    static final int MAX_ECHOED_LENGTH = 64;

    private ClientText() {
    }

    /** Whether the text can be stored and passed on as it is: no NUL and no unpaired surrogate. */
    public static boolean isStorable(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\u0000' || Character.isLowSurrogate(c)) {
                return false;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 == text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
                    return false;
                }
                i++;
            }
        }
        return true;
    }

    /**
     * A client's field name as a problem may repeat it: without control characters or unpaired
     * surrogates, at most 64 characters, with "…" when something was left out.
     */
    public static String echoable(String name) {
        String clean = name.codePoints()
                .filter(c -> c >= 0x20 && c != 0x7f && !(c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE))
                .limit(MAX_ECHOED_LENGTH)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
        return clean.length() < name.length() ? clean + "…" : clean;
    }
}
