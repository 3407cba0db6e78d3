package com.miteos.orchestrator.adapter.llm.sandbox;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Decides what goes into a deliverable: which corpus entities to compare, which articles to
 * cite as background, the summary paragraph and the source list. The synthesis step composes
 * the final report from everything the model knows about the subject; analyst and builder
 * agents compose working files from only what their own searches found.
 */
final class ReportComposer {

    /** How many corpus documents the model "recalls" per knowledge query. */
    private static final int RECALLED_PER_QUERY = 20;
    private static final int MAX_BACKGROUND = 3;
    private static final String BEST_FOR = "Best for";

    private final SandboxCorpus corpus;

    ReportComposer(SandboxCorpus corpus) {
        this.corpus = corpus;
    }

    /**
     * Everything the sandbox model knows about the brief's subject, best match first, then the
     * other corpus pages the agents cited that are about the subject too, then articles on how
     * to make this kind of deliverable.
     */
    List<CorpusDocument> knowledgeOf(TaskBrief brief, Collection<String> citedUrls) {
        Map<String, CorpusDocument> known = new LinkedHashMap<>();
        corpus.about(brief.subject(), RECALLED_PER_QUERY).forEach(document -> known.putIfAbsent(document.id(), document));
        pagesAbout(brief, citedUrls).forEach(document -> known.putIfAbsent(document.id(), document));
        brief.craftQuery().ifPresent(query -> corpus.about(query, RECALLED_PER_QUERY).stream()
                .filter(document -> !document.isEntity())
                .forEach(document -> known.putIfAbsent(document.id(), document)));
        return List.copyOf(known.values());
    }

    /** The corpus pages behind {@code urls} that are about the brief's subject, in order. */
    List<CorpusDocument> pagesAbout(TaskBrief brief, Collection<String> urls) {
        Map<String, CorpusDocument> pages = new LinkedHashMap<>();
        urls.forEach(url -> corpus.findByUrl(url)
                .filter(document -> isAbout(brief, document))
                .ifPresent(document -> pages.putIfAbsent(document.id(), document)));
        return List.copyOf(pages.values());
    }

    /** The model's knowledge of one page: its facts, if the corpus holds it. */
    Optional<CorpusDocument> pageAt(String url) {
        return corpus.findByUrl(url);
    }

    /**
     * Whether a cited page belongs in a deliverable on the brief's subject. A page the corpus
     * does not know cannot be judged, so it is kept; a known off-topic page is left out.
     */
    boolean isRelevant(TaskBrief brief, String url) {
        return corpus.findByUrl(url).map(page -> isAbout(brief, page)).orElse(true);
    }

    /**
     * @param brief      what the prompt asked for
     * @param knowledge  relevant corpus documents, best first
     * @param citedUrls  URLs the agents reported; listed as sources if {@linkplain #isRelevant relevant}
     */
    Report compose(TaskBrief brief, List<CorpusDocument> knowledge, Collection<String> citedUrls) {
        List<CorpusDocument> items = comparableItems(brief, knowledge);
        List<CorpusDocument> background = knowledge.stream()
                .filter(document -> !document.isEntity())
                .limit(MAX_BACKGROUND)
                .toList();
        return new Report(brief, summary(brief, items, background), items, sharedColumns(items), background,
                sources(brief, items, background, citedUrls), methodology(brief));
    }

    /**
     * The entities worth comparing: those the subject names, directly or by category, and of
     * the same category as the best match (a question about vector databases should not compare
     * Milvus with Django), best first.
     */
    private List<CorpusDocument> comparableItems(TaskBrief brief, List<CorpusDocument> knowledge) {
        List<CorpusDocument> named = knowledge.stream()
                .filter(document -> corpus.namesEntityOrCategory(document, brief.subject()))
                .toList();
        return named.stream()
                .findFirst()
                .map(best -> named.stream()
                        .filter(document -> document.category().equals(best.category()))
                        .limit(brief.count())
                        .toList())
                .orElse(List.of());
    }

    private boolean isAbout(TaskBrief brief, CorpusDocument document) {
        return corpus.isAbout(document, brief.subject());
    }

    private static List<String> sharedColumns(List<CorpusDocument> items) {
        Set<String> columns = new LinkedHashSet<>();
        items.forEach(item -> columns.addAll(item.facts().keySet()));
        return List.copyOf(columns);
    }

    private List<Report.Source> sources(TaskBrief brief, List<CorpusDocument> items, List<CorpusDocument> background,
            Collection<String> citedUrls) {
        Map<String, Report.Source> sources = new LinkedHashMap<>();
        items.forEach(item -> sources.putIfAbsent(item.url(), new Report.Source(item.title(), item.url())));
        background.forEach(article -> sources.putIfAbsent(article.url(), new Report.Source(article.title(), article.url())));
        citedUrls.stream()
                .filter(url -> isRelevant(brief, url))
                .forEach(url -> sources.putIfAbsent(url, new Report.Source(
                        corpus.findByUrl(url).map(CorpusDocument::title).orElse(url), url)));
        return List.copyOf(sources.values());
    }

    private static String summary(TaskBrief brief, List<CorpusDocument> items, List<CorpusDocument> background) {
        String noun = brief.kind().noun();
        if (items.isEmpty() && background.isEmpty()) {
            return "The offline sandbox corpus holds nothing on " + brief.subject() + ", so this " + noun
                    + " is a structured outline to be completed with live research.";
        }
        if (items.isEmpty() && brief.kind() == TaskBrief.Kind.LANDING_PAGE) {
            return brief.headline() + ": one clear promise, a fast start and nothing in the way. (Drafted by the "
                    + "Miteos sandbox model, which knows nothing specific about " + brief.subject()
                    + ": replace this copy with real claims.)";
        }
        if (items.isEmpty()) {
            return "The sandbox corpus has no directly comparable entries on " + brief.subject() + "; this " + noun
                    + " summarises the closest background material. " + background.get(0).snippet();
        }
        StringBuilder summary = new StringBuilder("This ").append(noun).append(" covers ").append(brief.scope())
                .append(" in the Miteos sandbox corpus: ")
                .append(listed(items.stream().map(CorpusDocument::displayName).toList())).append('.');
        if (brief.countExplicit() && items.size() < brief.count()) {
            summary.append(" The corpus holds only ").append(items.size()).append(" matching entries, not ")
                    .append(brief.count()).append('.');
        }
        items.stream()
                .filter(item -> item.facts().containsKey(BEST_FOR))
                .forEach(item -> summary.append(' ').append(item.displayName()).append(" is best for ")
                        .append(lowerFirst(item.facts().get(BEST_FOR))).append('.'));
        return summary.toString();
    }

    private static String methodology(TaskBrief brief) {
        return "Produced by the Miteos sandbox model (" + SandboxModel.MODEL_NAME + "), a deterministic stand-in "
                + "for a language model, from the offline sandbox corpus and the findings of the task's agents. "
                + "Entries were ranked by BM25 relevance to \"" + brief.subject() + "\". Facts are curated "
                + "snapshots, and figures such as GitHub stars are rounded approximations, not live data; "
                + "run the task with a live key for current information.";
    }

    /** "A, B and C". */
    private static String listed(List<String> names) {
        if (names.size() <= 1) {
            return String.join("", names);
        }
        return names.subList(0, names.size() - 1).stream().collect(Collectors.joining(", "))
                + " and " + names.get(names.size() - 1);
    }

    /** Lower-cases a sentence start, but not an acronym or a name such as "PostgreSQL". */
    private static String lowerFirst(String text) {
        if (text.length() < 2 || !Character.isUpperCase(text.charAt(0)) || Character.isUpperCase(text.charAt(1))) {
            return text;
        }
        String firstWord = text.split(" ", 2)[0];
        if (firstWord.chars().skip(1).anyMatch(Character::isUpperCase)) {
            return text;
        }
        return Character.toLowerCase(text.charAt(0)) + text.substring(1);
    }
}
