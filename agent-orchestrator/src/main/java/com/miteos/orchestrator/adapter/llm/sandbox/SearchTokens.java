package com.miteos.orchestrator.adapter.llm.sandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns text into the terms the sandbox search engine indexes and matches: lower-cased
 * letter/digit runs, without English stop words, with plurals folded onto their singular.
 *
 * <p>Folding plurals matters more than any other normalisation here: prompts ask about
 * "vector databases" while documents describe "a vector database".
 */
final class SearchTokens {

    /** Any run of characters that is neither a letter nor a digit separates terms (so "open-source" is two). */
    private static final Pattern SEPARATORS = Pattern.compile("[^\\p{L}\\p{N}]+");

    /** "open source", "open-source" and "opensource" are one concept; as two terms "open" and "source" match noise. */
    private static final Pattern OPEN_SOURCE = Pattern.compile("open[\\s-]+source");

    /** Terms longer than this are noise (hashes, base64); dropping them bounds the work per query. */
    private static final int MAX_TERM_LENGTH = 40;

    private static final Set<String> STOP_WORDS = Set.of(
            "a", "about", "after", "all", "also", "an", "and", "any", "are", "as", "at", "be", "been", "but",
            "by", "can", "do", "does", "each", "for", "from", "has", "have", "how", "i", "if", "in", "into",
            "is", "it", "its", "me", "more", "most", "my", "no", "not", "of", "on", "one", "or", "our",
            "out", "so", "such", "than", "that", "the", "their", "them", "then", "there", "these", "they",
            "this", "those", "to", "too", "up", "us", "use", "used", "very", "was", "we", "were", "what",
            "when", "which", "while", "who", "why", "will", "with", "would", "you", "your");

    private SearchTokens() {
    }

    /** The terms of {@code text} in order of appearance, repeats kept (term frequency counts them). */
    static List<String> of(String text) {
        List<String> terms = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return terms;
        }
        String lowerCase = OPEN_SOURCE.matcher(text.toLowerCase(Locale.ROOT)).replaceAll("opensource");
        for (String raw : SEPARATORS.split(lowerCase)) {
            if (raw.isEmpty() || raw.length() > MAX_TERM_LENGTH || STOP_WORDS.contains(raw)) {
                continue;
            }
            terms.add(singular(raw));
        }
        return terms;
    }

    static boolean isStopWord(String word) {
        return STOP_WORDS.contains(word.toLowerCase(Locale.ROOT));
    }

    /** A deliberately small plural folding: enough for "databases", "libraries", "queries"; leaves "class" alone. */
    private static String singular(String term) {
        if (term.length() > 4 && term.endsWith("ies")) {
            return term.substring(0, term.length() - 3) + "y";
        }
        if (term.length() > 3 && term.endsWith("s") && !term.endsWith("ss") && !term.endsWith("us")
                && !term.endsWith("is")) {
            return term.substring(0, term.length() - 1);
        }
        return term;
    }
}
