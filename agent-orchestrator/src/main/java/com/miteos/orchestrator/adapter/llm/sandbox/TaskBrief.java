package com.miteos.orchestrator.adapter.llm.sandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the sandbox model reads out of a task prompt: the subject, how many things to cover,
 * what kind of deliverable and in which format. Planner, agents and synthesis all read the
 * prompt through this one class, so they agree on the subject and on file names.
 *
 * <p>The reading is heuristic (regular expressions over the first sentence), deterministic,
 * and never fails: a prompt it cannot make sense of yields a subject made of its first words.
 *
 * @param subject       what the task is about, e.g. {@code open-source vector databases}
 * @param count         how many entities to cover ({@code top 5} → 5; 5 when not said)
 * @param countExplicit whether the prompt named the count
 * @param kind          comparison, report, landing page, ...
 * @param format        the file format of the deliverable
 */
record TaskBrief(String subject, int count, boolean countExplicit, Kind kind, DeliverableFormat format) {

    static final int DEFAULT_COUNT = 5;
    static final int MAX_COUNT = 10;

    /** Prompts can be 32,000 characters; the subject is always near the start. */
    private static final int SCANNED_PREFIX = 600;
    private static final int MAX_SUBJECT_LENGTH = 80;
    private static final int MAX_SLUG_WORDS = 5;

    private static final String NUMBER = "(\\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten)";
    private static final Map<String, Integer> NUMBER_WORDS = Map.of("one", 1, "two", 2, "three", 3, "four", 4,
            "five", 5, "six", 6, "seven", 7, "eight", 8, "nine", 9, "ten", 10);
    private static final Pattern COUNT = Pattern.compile(
            "\\btop\\s+" + NUMBER + "\\b|\\bbest\\s+" + NUMBER + "\\b|\\b" + NUMBER
                    + "\\s+(?:best|leading|major|main|most popular|popular|open[- ]source)\\b",
            Pattern.CASE_INSENSITIVE);

    private static final Pattern FIRST_SENTENCE = Pattern.compile("^(.*?)(?:[.!?](?:\\s|$)|\\n|$)", Pattern.DOTALL);

    /** "a landing page for Project Apex": the subject is whatever the page is for. */
    private static final Pattern PAGE_FOR = Pattern.compile(
            "\\b(?:landing[ -]page|web[ -]?page|website|homepage|site)\\s+(?:for|about|of|promoting)\\s+(.+)",
            Pattern.CASE_INSENSITIVE);

    /** The instruction verb; what follows it is the object of the task. */
    private static final Pattern INSTRUCTION = Pattern.compile(
            "\\b(?:research|compare|find|investigate|analy[sz]e|evaluate|benchmark|summari[sz]e|explain|describe"
                    + "|list|review|survey|explore|identify|write|create|produce|build|make|generate|draft|design"
                    + "|develop|prepare|outline|implement|rank)\\s+(.+)",
            Pattern.CASE_INSENSITIVE);

    private static final String NEXT_INSTRUCTION = "(?:then\\s+)?(?:produce|write|create|make|generate|build|put|save"
            + "|export|present|deliver|summari[sz]e|compile|output|return|give|provide|prepare|draft|compare|rank"
            + "|recommend|list|include|format)\\b";

    /**
     * Where the object ends: punctuation, "as a ... file", or "and"/a comma followed by the next
     * instruction. A comma alone does not end it: "Compare Kafka, RabbitMQ and Pulsar" is one subject.
     */
    private static final Pattern OBJECT_END = Pattern.compile(
            "[;:!?()]|\\.(?:\\s|$)|,?\\s+(?:as|into|then|so that|in (?:a|an|the|markdown|csv|json|html|python))\\b"
                    + "|,?\\s+and\\s+" + NEXT_INSTRUCTION + "|,\\s*" + NEXT_INSTRUCTION,
            Pattern.CASE_INSENSITIVE);

    /** Words in front of the subject that say nothing about it. */
    private static final Pattern LEADING_FILLER = Pattern.compile(
            "^(?:a|an|the|some|me|us|our|my|top\\s+" + NUMBER + "|best\\s+" + NUMBER + "|" + NUMBER
                    + "|best|leading|major|main|most popular|popular|detailed|short|brief|quick|simple|comprehensive"
                    + "|responsive|modern|new|clean|single)\\s+",
            Pattern.CASE_INSENSITIVE);

    /** "a comparison report of X", "a Python script that compares X": the deliverable comes first, the subject after. */
    private static final Pattern DELIVERABLE_THEN_SUBJECT = Pattern.compile(
            "^(?:(?:markdown|csv|json|html|python|comparison|research|data|summary)\\s+)*"
                    + "(?:comparison|report|summary|overview|analysis|review|list|table|document|guide|article"
                    + "|blog post|post|page|landing page|web page|website|script|program|tool|app|application"
                    + "|dataset|spreadsheet|file|brief|memo|matrix)"
                    + "(?:\\s+(?:report|file|document|table))?"
                    + "\\s+(about|on|of|for|comparing|covering|that|which|to|listing|explaining|describing"
                    + "|summari[sz]ing)\\s+(.+)",
            Pattern.CASE_INSENSITIVE);

    private static final Pattern THIRD_PERSON_VERB = Pattern.compile("^\\p{L}+s\\s+(?=\\S)");

    /** Qualifiers dropped from file names: "top-5-open-source-vector-databases" says no more than "vector-database". */
    private static final Pattern SLUG_QUALIFIERS = Pattern.compile(
            "\\b(?:open[- ]source|top\\s+\\d+|best|leading|popular|modern|current|free)\\b", Pattern.CASE_INSENSITIVE);

    private static final Pattern COMPARISON = Pattern.compile(
            "\\bcompar|\\bversus\\b|\\bvs\\.?\\s|\\bbenchmark|\\bside[- ]by[- ]side\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern LANDING_PAGE = Pattern.compile(
            "\\blanding[ -]page|\\bweb[ -]?page|\\bwebsite\\b|\\bhomepage\\b", Pattern.CASE_INSENSITIVE);

    /** What the deliverable is; decides the title and the file name suffix. */
    enum Kind {
        COMPARISON("comparison", "comparison report", "on"),
        LANDING_PAGE("landing-page", "landing page", "for"),
        SCRIPT("", "script", "for"),
        DATASET("data", "dataset", "of"),
        REPORT("report", "research report", "on");

        private final String fileSuffix;
        private final String noun;
        private final String preposition;

        Kind(String fileSuffix, String noun, String preposition) {
            this.fileSuffix = fileSuffix;
            this.noun = noun;
            this.preposition = preposition;
        }

        String noun() {
            return noun;
        }

        /** "comparison report on vector databases", "landing page for Project Apex". */
        String of(String subject) {
            return noun + " " + preposition + " " + subject;
        }
    }

    static TaskBrief of(String prompt) {
        String text = prompt == null ? "" : prompt.strip();
        String scanned = text.length() > SCANNED_PREFIX ? text.substring(0, SCANNED_PREFIX) : text;
        DeliverableFormat format = DeliverableFormat.requestedBy(text);
        Integer count = countIn(scanned);
        return new TaskBrief(subjectOf(firstSentence(scanned)), count == null ? DEFAULT_COUNT : count, count != null,
                kindOf(text, format), format);
    }

    /** The subject as a heading shows it: "Top 5 open-source vector databases". */
    String headline() {
        return capitalised(countExplicit && kind != Kind.LANDING_PAGE ? "Top " + count + " " + subject : subject);
    }

    /** The subject as a sentence mentions it: "the top 5 open-source vector databases". */
    String scope() {
        return countExplicit && kind != Kind.LANDING_PAGE ? "the top " + count + " " + subject : subject;
    }

    /** The deliverable's title, e.g. "Top 5 open-source vector databases: comparison report". */
    String title() {
        return switch (kind) {
            case LANDING_PAGE, SCRIPT -> headline();
            default -> headline() + ": " + kind.noun();
        };
    }

    /** The subject as a file-name stem, e.g. {@code vector-database}. */
    String slug() {
        String stripped = SLUG_QUALIFIERS.matcher(subject).replaceAll(" ");
        List<String> words = new ArrayList<>();
        for (String word : stripped.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (!word.isEmpty() && !SearchTokens.isStopWord(word) && words.size() < MAX_SLUG_WORDS) {
                words.add(word);
            }
        }
        if (words.isEmpty()) {
            return "deliverable";
        }
        int last = words.size() - 1;
        // "vector databases" → "vector-database": a comparison of databases is a database comparison.
        words.set(last, SearchTokens.of(words.get(last)).stream().findFirst().orElse(words.get(last)));
        return String.join("-", words);
    }

    /** The deliverable's file name, e.g. {@code vector-database-comparison.md}. */
    String fileName() {
        String stem = kind.fileSuffix.isEmpty() ? slug() : slug() + "-" + kind.fileSuffix;
        // Python modules cannot contain hyphens.
        return (format == DeliverableFormat.PYTHON ? stem.replace('-', '_') : stem) + "." + format.extension();
    }

    /**
     * What to search the corpus for to learn how to make this kind of deliverable well (landing
     * pages follow landing-page practice, whatever they are for); empty when nothing applies.
     */
    Optional<String> craftQuery() {
        return kind == Kind.LANDING_PAGE
                ? Optional.of("landing page call to action accessibility core web vitals")
                : Optional.empty();
    }

    private static String firstSentence(String text) {
        Matcher matcher = FIRST_SENTENCE.matcher(text);
        return matcher.find() ? matcher.group(1).strip() : text;
    }

    private static Integer countIn(String text) {
        Matcher matcher = COUNT.matcher(text);
        if (!matcher.find()) {
            return null;
        }
        for (int group = 1; group <= matcher.groupCount(); group++) {
            String number = matcher.group(group);
            if (number != null) {
                int value = NUMBER_WORDS.getOrDefault(number.toLowerCase(Locale.ROOT), -1);
                value = value > 0 ? value : Integer.parseInt(number);
                return Math.max(1, Math.min(MAX_COUNT, value));
            }
        }
        return null;
    }

    private static String subjectOf(String sentence) {
        Matcher page = PAGE_FOR.matcher(sentence);
        Matcher instruction = INSTRUCTION.matcher(sentence);
        String object = page.find() ? page.group(1) : instruction.find() ? instruction.group(1) : sentence;
        object = withoutLeadingFiller(object);
        Matcher deliverable = DELIVERABLE_THEN_SUBJECT.matcher(object);
        if (deliverable.find()) {
            String connector = deliverable.group(1).toLowerCase(Locale.ROOT);
            object = deliverable.group(2);
            if (connector.equals("that") || connector.equals("which")) {
                // "a script that compares X": the subject is X, not "compares X".
                object = THIRD_PERSON_VERB.matcher(object).replaceFirst("");
            }
            object = withoutLeadingFiller(object);
        }
        Matcher end = OBJECT_END.matcher(object);
        if (end.find()) {
            object = object.substring(0, end.start());
        }
        object = object.strip();
        if (object.isEmpty() || SearchTokens.of(object).isEmpty()) {
            object = firstWords(sentence);
        }
        return truncated(object);
    }

    private static String withoutLeadingFiller(String text) {
        String current = text.strip();
        for (String previous = null; !current.equals(previous); ) {
            previous = current;
            current = LEADING_FILLER.matcher(current).replaceFirst("").strip();
        }
        return current;
    }

    private static String firstWords(String sentence) {
        List<String> words = new ArrayList<>();
        for (String word : sentence.split("\\s+")) {
            if (!word.isBlank() && words.size() < 6) {
                words.add(word);
            }
        }
        return words.isEmpty() ? "the task" : String.join(" ", words);
    }

    private static String truncated(String subject) {
        if (subject.length() <= MAX_SUBJECT_LENGTH) {
            return subject;
        }
        int cut = subject.lastIndexOf(' ', MAX_SUBJECT_LENGTH);
        return subject.substring(0, cut > 0 ? cut : MAX_SUBJECT_LENGTH);
    }

    private static Kind kindOf(String prompt, DeliverableFormat format) {
        if (LANDING_PAGE.matcher(prompt).find()) {
            return Kind.LANDING_PAGE;
        }
        if (format == DeliverableFormat.PYTHON) {
            return Kind.SCRIPT;
        }
        if (COMPARISON.matcher(prompt).find()) {
            return Kind.COMPARISON;
        }
        return format == DeliverableFormat.CSV || format == DeliverableFormat.JSON ? Kind.DATASET : Kind.REPORT;
    }

    private static String capitalised(String text) {
        if (text.isEmpty() || !Character.isLowerCase(text.charAt(0))) {
            return text;
        }
        // "pgvector" and "iPhone" style names start lower-case on purpose; only capitalise ordinary words.
        int firstSpace = text.indexOf(' ');
        String firstWord = firstSpace < 0 ? text : text.substring(0, firstSpace);
        if (!firstWord.equals(firstWord.toLowerCase(Locale.ROOT)) || firstWord.matches(".*\\d.*")) {
            return text;
        }
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}
