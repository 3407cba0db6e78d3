package com.miteos.orchestrator.domain.files;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * File names right at the limits: a name of exactly the maximum length is left alone, an
 * extension of exactly the maximum length survives a cut, and a cut never splits a character.
 */
class FileNameLimitsTest {

    @Test
    void aNameOfExactlyTheMaximumLengthIsKeptAsItIs() {
        String longest = "n".repeat(FileNames.MAX_LENGTH);
        String withExtension = "n".repeat(FileNames.MAX_LENGTH - 4) + ".csv";

        assertThat(FileNames.sanitize(longest)).isEqualTo(longest);
        assertThat(FileNames.sanitize(withExtension)).isEqualTo(withExtension);
    }

    @Test
    void anExtensionOfTheMaximumLengthIsKeptWhenTheNameIsCut() {
        String extension = "e".repeat(FileNames.MAX_EXTENSION_LENGTH);

        String name = FileNames.sanitize("x".repeat(200) + "." + extension);

        assertThat(name).hasSize(FileNames.MAX_LENGTH).endsWith("x." + extension);
    }

    @Test
    void aCutThatWouldSplitAnEmojiLeavesTheWholeEmojiOut() {
        String requested = "a".repeat(116) + "\uD83D\uDE00" + "b".repeat(10) + ".md";

        assertThat(FileNames.sanitize(requested)).isEqualTo("a".repeat(116) + ".md");
    }

    @Test
    void aDotFileHasNoExtension() {
        assertThat(FileNames.contentType(".md")).isEqualTo("text/plain");
        assertThat(FileNames.contentType("notes.")).isEqualTo("text/plain");
    }
}
