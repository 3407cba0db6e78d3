package com.miteos.gateway.mapping;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ClientTextTest {

    @Test
    void textWithNulOrUnpairedSurrogatesCannotBeStored() {
        assertThat(ClientText.isStorable("plain, with\ttabs\nand lines, ünïcödé and 😀")).isTrue();
        assertThat(ClientText.isStorable("")).isTrue();
        assertThat(ClientText.isStorable("a\u0000b")).isFalse();
        assertThat(ClientText.isStorable("\ud800")).isFalse();
        assertThat(ClientText.isStorable("x\ud83d")).isFalse();
        assertThat(ClientText.isStorable("\ude00x")).isFalse();
        assertThat(ClientText.isStorable("\ude00\ud83d")).isFalse();
    }

    @Test
    void echoedNamesAreShortAndPrintable() {
        assertThat(ClientText.echoable("colour")).isEqualTo("colour");
        assertThat(ClientText.echoable("a\u0000b\nc\ud800d")).isEqualTo("abcd…");
        assertThat(ClientText.echoable("n".repeat(100))).isEqualTo("n".repeat(64) + "…");
        assertThat(ClientText.echoable("😀")).isEqualTo("😀");
    }

    @Test
    void echoedNamesKeepSpacesAndLoseSurrogatesAtBothEndsOfTheirRange() {
        assertThat(ClientText.echoable("max agents")).isEqualTo("max agents");
        assertThat(ClientText.echoable("a\ud800b")).isEqualTo("ab…");
        assertThat(ClientText.echoable("a\udfffb")).isEqualTo("ab…");
        assertThat(ClientText.echoable("a\u007fb\u001fc")).isEqualTo("abc…");
        assertThat(ClientText.echoable("\ud7ff\ue000")).as("the neighbours of the surrogate range stay")
                .isEqualTo("\ud7ff\ue000");
    }
}
