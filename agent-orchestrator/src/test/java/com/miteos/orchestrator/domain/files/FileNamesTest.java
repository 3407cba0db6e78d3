package com.miteos.orchestrator.domain.files;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** File names chosen by a model become safe, unique names (the limits per task: {@code RunFilesTest}). */
class FileNamesTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "report.md                  | report.md",
            "../../etc/passwd           | passwd",
            "C:\\\\Windows\\\\system.ini  | system.ini",
            "/abs/path/data.csv         | data.csv",
            "..                         | file.txt",
            "'   '                      | file.txt",
            ".hidden                    | hidden",
            "name.                      | name",
    })
    void modelChosenNamesAreSanitised(String requested, String expected) {
        assertThat(FileNames.sanitize(requested)).isEqualTo(expected);
    }

    @Test
    void reservedCharactersAreReplaced() {
        assertThat(FileNames.sanitize("a<b>c:d\"e|f?g*h.txt")).isEqualTo("a_b_c_d_e_f_g_h.txt");
    }

    @Test
    void controlAndInvisibleFormattingCharactersAreReplaced() {
        assertThat(FileNames.sanitize("evil\u0000name\n.md")).isEqualTo("evil_name_.md");
        assertThat(FileNames.sanitize("invoice\u202Efdp.exe")).doesNotContain("\u202E");
    }

    @Test
    void longNamesAreCutButKeepTheirExtension() {
        String name = FileNames.sanitize("x".repeat(500) + ".csv");

        assertThat(name).hasSize(FileNames.MAX_LENGTH).endsWith(".csv");
    }

    @Test
    void aLongNameWithoutExtensionIsCutWithoutGainingADot() {
        assertThat(FileNames.sanitize("x".repeat(500))).isEqualTo("x".repeat(FileNames.MAX_LENGTH));
    }

    @Test
    void anAbsurdlyLongExtensionIsCutNotFatal() {
        String name = FileNames.sanitize("x." + "a".repeat(130));

        assertThat(name).hasSize(FileNames.MAX_LENGTH).startsWith("x.aaa");
        assertThat(FileNames.sanitize("\uD83D\uDE00".repeat(70) + ".md")).hasSizeLessThanOrEqualTo(FileNames.MAX_LENGTH)
                .endsWith(".md").doesNotContain("\uFFFD");
    }

    @Test
    void namesAreMadeUniqueWithinATask() {
        assertThat(FileNames.unique("report.md", Set.of("report.md", "report-2.md"))).isEqualTo("report-3.md");
        assertThat(FileNames.unique("notes", Set.of("notes"))).isEqualTo("notes-2");
        assertThat(FileNames.unique("new.md", Set.of("report.md"))).isEqualTo("new.md");
    }

    @Test
    void typesFollowTheExtension() {
        assertThat(FileNames.contentType("a.md")).isEqualTo("text/markdown");
        assertThat(FileNames.contentType("a.CSV")).isEqualTo("text/csv");
        assertThat(FileNames.contentType("index.html")).isEqualTo("text/html");
        assertThat(FileNames.contentType("unknown.bin")).isEqualTo("text/plain");
    }
}
