package com.miteos.deliverables.service;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The download header for an agent-named file: always an attachment, an ASCII fallback name a
 * client cannot be tricked by (no quote, backslash or control character ends or bends the
 * header), and the exact name in RFC 5987 encoding.
 */
class ContentDispositionTest {

    @Test
    void aPlainNameIsTheSameInBothForms() {
        assertThat(ContentDisposition.attachment("report.md"))
                .isEqualTo("attachment; filename=\"report.md\"; filename*=UTF-8''report.md");
    }

    @Test
    void spacesArePercentEncodedNotPlusSigns() {
        assertThat(ContentDisposition.attachment("my report.md"))
                .isEqualTo("attachment; filename=\"my report.md\"; filename*=UTF-8''my%20report.md");
    }

    @Test
    void quotesBackslashesAndControlCharactersCannotBreakOutOfTheFallbackName() {
        assertThat(ContentDisposition.attachment("a\"b\\c\r\nSet-Cookie: x\u007f.md"))
                .startsWith("attachment; filename=\"a_b_c__Set-Cookie: x_.md\"; filename*=UTF-8''")
                .doesNotContain("\r", "\n", "\u007f");
    }

    @Test
    void nonAsciiNamesFallBackToUnderscoresAndKeepTheirExactUtf8Form() {
        assertThat(ContentDisposition.attachment("caf\u00e9 \ud83d\ude00.md"))
                .isEqualTo("attachment; filename=\"caf_ _.md\"; filename*=UTF-8''caf%C3%A9%20%F0%9F%98%80.md");
    }

    @Test
    void theFirstAndLastPrintableAsciiCharactersAreKept() {
        assertThat(ContentDisposition.attachment(" ~")).startsWith("attachment; filename=\" ~\";");
        assertThat(ContentDisposition.attachment("\u001f\u007f")).startsWith("attachment; filename=\"__\";");
    }
}
