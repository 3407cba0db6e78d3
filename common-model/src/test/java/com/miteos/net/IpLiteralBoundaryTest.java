package com.miteos.net;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The edges of the WHATWG host parser: the largest byte and hex digit of each case, dotted
 * IPv4 tails that run past the end of the address, and "::" at the end. Each of these texts
 * sits right next to one that means something else, which is where a parser off by one
 * would read a host differently from a browser.
 */
class IpLiteralBoundaryTest {

    @ParameterizedTest
    @CsvSource({
            "0xA9FEA9FE, 169.254.169.254",
            "0xa.0XB.0xC.0xd, 10.11.12.13",
            "0xFF.0xff.0Xf.0xF, 255.255.15.15",
            "0377.0377.0377.0377, 255.255.255.255",
            "9.99.199.255, 9.99.199.255"})
    void readsTheLargestDigitsOfEveryBase(String host, String expected) throws Exception {
        byte[] bytes = IpLiteral.parseIpv4(host).orElseThrow();

        assertThat(InetAddress.getByAddress(bytes).getHostAddress()).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0xg", "0xG", "0x@", "0x`", "0x/", "0x:", "08", "09", "0400.0.0.1"})
    void charactersJustOutsideEachBaseAreNotDigits(String host) {
        assertThat(IpLiteral.parseIpv4(host)).as(host).isEmpty();
    }

    @Test
    void anEmptyHostDoesNotEndInANumber() {
        assertThat(IpLiteral.endsInANumber("")).isFalse();
    }

    @ParameterizedTest
    @CsvSource({
            "1::, 1:0:0:0:0:0:0:0",
            "fe80::, fe80:0:0:0:0:0:0:0",
            "ABCD:EF01::, abcd:ef01:0:0:0:0:0:0",
            "::ffff:255.255.255.255, 0:0:0:0:0:ffff:ffff:ffff",
            "1:2:3:4:5:6:9.99.199.250, 1:2:3:4:5:6:963:c7fa"})
    void readsIpv6AddressesAtTheEdgesOfEachPart(String literal, String expected) {
        assertThat(groups(IpLiteral.parseIpv6(literal).orElseThrow())).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1:2:3:4:5:6:1.2.3.4.5", "::1.2.3.", "::1.2.3.4.", "1::2:", "::2:", "::ffff:1.2.3.256",
            "1:2:3:4:5:6:7:"})
    void refusesIpv6WhoseLastPartRunsPastTheAddress(String literal) {
        assertThat(IpLiteral.parseIpv6(literal)).as(literal).isEmpty();
    }

    private static String groups(byte[] bytes) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 16; i += 2) {
            text.append(i == 0 ? "" : ":").append(Integer.toHexString((bytes[i] & 0xff) << 8 | bytes[i + 1] & 0xff));
        }
        return text.toString();
    }
}
