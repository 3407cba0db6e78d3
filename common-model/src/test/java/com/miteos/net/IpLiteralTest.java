package com.miteos.net;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The host parser agrees with the WHATWG URL Standard (and so with browsers and curl). */
class IpLiteralTest {

    @ParameterizedTest
    @CsvSource({
            "127.0.0.1, 127.0.0.1",
            "2130706433, 127.0.0.1",
            "0177.0.0.1, 127.0.0.1",
            "0x7f.0.0.1, 127.0.0.1",
            "0X7F.0X0.0X0.0X1, 127.0.0.1",
            "0x7f000001, 127.0.0.1",
            "017700000001, 127.0.0.1",
            "127.1, 127.0.0.1",
            "127.0.1, 127.0.0.1",
            "0, 0.0.0.0",
            "0x, 0.0.0.0",
            "0x.0x.0x.0x, 0.0.0.0",
            "1.2.3.4., 1.2.3.4",
            "169.254.43518, 169.254.169.254",
            "0xa9fea9fe, 169.254.169.254",
            "4294967295, 255.255.255.255",
            "00000000000000000000000000000000000000010, 0.0.0.8"})
    void readsEveryIpv4SpellingAsBrowsersDo(String host, String expected) {
        assertThat(ipv4(host)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"4294967296", "256.0.0.1", "1.256.0.1", "1.2.3.256", "1.2.65536", "1.16777216",
            "08", "0x7g.0.0.1", "1.2.3.4.5", "1..2.3", ".1.2.3", "1.2.3.4..", "", "0x1.0o1",
            "\u0661\u0662\u0667.0.0.1"})
    void refusesWhatIsNotAValidIpv4Host(String host) {
        assertThat(IpLiteral.parseIpv4(host)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.2.3.4", "2130706433", "0x7f000001", "foo.0x10", "foo.1", "1.2.3.4.", "0x", "foo.09"})
    void hostsEndingInANumberMustBeIpv4(String host) {
        assertThat(IpLiteral.endsInANumber(host)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"example.com", "1.2.3.com", "0x7g", "localhost", "1.2.3.4a", ".", "x1"})
    void ordinaryNamesDoNotEndInANumber(String host) {
        assertThat(IpLiteral.endsInANumber(host)).isFalse();
    }

    @ParameterizedTest
    @CsvSource({
            "::1, 0:0:0:0:0:0:0:1",
            "::, 0:0:0:0:0:0:0:0",
            "0:0:0:0:0:0:0:1, 0:0:0:0:0:0:0:1",
            "2606:4700::1111, 2606:4700:0:0:0:0:0:1111",
            "1::2:3:4:5:6:7, 1:0:2:3:4:5:6:7",
            "fe80::1, fe80:0:0:0:0:0:0:1",
            "64:ff9b::127.0.0.1, 64:ff9b:0:0:0:0:7f00:1",
            "::127.0.0.1, 0:0:0:0:0:0:7f00:1",
            "1:2:3:4:5:6:1.2.3.4, 1:2:3:4:5:6:102:304",
            "FFFF::1, ffff:0:0:0:0:0:0:1"})
    void readsIpv6Addresses(String literal, String expected) throws Exception {
        byte[] bytes = IpLiteral.parseIpv6(literal).orElseThrow();
        assertThat(bytes).hasSize(16);
        assertThat(groups(bytes)).isEqualTo(expected);
    }

    @Test
    void readsIpv4MappedIpv6AsTheEmbeddedAddress() throws Exception {
        InetAddress mapped = InetAddress.getByAddress(IpLiteral.parseIpv6("::ffff:127.0.0.1").orElseThrow());
        assertThat(mapped.getHostAddress()).isEqualTo("127.0.0.1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ":", ":1", "1:", "1:::2", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7",
            "12345::", "fe80::1%eth0", "fe80::1%25eth0", "::ffff:127.0.0.01", "::ffff:127.0.0", "::ffff:256.0.0.1",
            "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3.4.5", "g::1"})
    void refusesInvalidIpv6IncludingZoneIds(String literal) {
        assertThat(IpLiteral.parseIpv6(literal)).isEmpty();
    }

    private static String ipv4(String host) {
        Optional<byte[]> bytes = IpLiteral.parseIpv4(host);
        assertThat(bytes).as(host).isPresent();
        byte[] b = bytes.get();
        return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + "." + (b[3] & 0xff);
    }

    private static String groups(byte[] bytes) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 16; i += 2) {
            text.append(i == 0 ? "" : ":").append(Integer.toHexString((bytes[i] & 0xff) << 8 | bytes[i + 1] & 0xff));
        }
        return text.toString();
    }
}
