package com.miteos.net;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Reads numeric hosts the way browsers and curl do (the WHATWG URL Standard's host parser),
 * so that the address we check is the address a client would actually connect to.
 *
 * <p>Why not {@code InetAddress} or {@code URI}: they disagree with browsers about spellings
 * such as {@code 2130706433}, {@code 0177.0.0.1}, {@code 0x7f.1} or {@code 127.1}. Some
 * treat them as host names to look up, some reject them, and resolvers (glibc's
 * {@code inet_aton}) turn them into 127.0.0.1 behind our back. An SSRF check that reads a host
 * differently from the code that connects is no check, so the guard decides with this parser
 * and then connects to exactly the address it produced.
 */
final class IpLiteral {

    private static final BigInteger IPV4_SPACE = BigInteger.ONE.shiftLeft(32);

    private IpLiteral() {
    }

    /**
     * WHATWG "ends in a number": whether a host must be read as IPv4 (and is invalid if it
     * cannot be). {@code 1.2.3.4}, {@code 0x7f000001} and {@code foo.0x10} all do; {@code
     * example.com} and {@code 1.2.3.com} do not.
     */
    static boolean endsInANumber(String host) {
        List<String> parts = new ArrayList<>(Arrays.asList(host.split("\\.", -1)));
        if (parts.get(parts.size() - 1).isEmpty()) {
            if (parts.size() == 1) {
                return false;
            }
            parts.remove(parts.size() - 1);
        }
        String last = parts.get(parts.size() - 1);
        if (!last.isEmpty() && last.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return true;
        }
        return ipv4Number(last).isPresent();
    }

    /**
     * The WHATWG IPv4 parser: one to four dot-separated numbers, each decimal, octal (leading
     * {@code 0}) or hexadecimal ({@code 0x}); the last number fills all remaining bytes. Answers
     * the four bytes, or empty if the text is not a valid IPv4 host.
     */
    static Optional<byte[]> parseIpv4(String host) {
        List<String> parts = new ArrayList<>(Arrays.asList(host.split("\\.", -1)));
        if (parts.get(parts.size() - 1).isEmpty() && parts.size() > 1) {
            parts.remove(parts.size() - 1);
        }
        if (parts.size() > 4) {
            return Optional.empty();
        }
        List<BigInteger> numbers = new ArrayList<>();
        for (String part : parts) {
            Optional<BigInteger> number = ipv4Number(part);
            if (number.isEmpty()) {
                return Optional.empty();
            }
            numbers.add(number.get());
        }
        BigInteger byteLimit = BigInteger.valueOf(256);
        for (int i = 0; i < numbers.size() - 1; i++) {
            if (numbers.get(i).compareTo(byteLimit) >= 0) {
                return Optional.empty();
            }
        }
        BigInteger last = numbers.get(numbers.size() - 1);
        if (last.compareTo(byteLimit.pow(5 - numbers.size())) >= 0) {
            return Optional.empty();
        }
        BigInteger address = last;
        for (int i = 0; i < numbers.size() - 1; i++) {
            address = address.add(numbers.get(i).multiply(byteLimit.pow(3 - i)));
        }
        if (address.compareTo(IPV4_SPACE) >= 0) {
            return Optional.empty();
        }
        long value = address.longValue();
        return Optional.of(new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value});
    }

    /** The WHATWG IPv4 number parser: {@code 0x} means hex, a leading {@code 0} octal, else decimal. */
    private static Optional<BigInteger> ipv4Number(String text) {
        if (text.isEmpty()) {
            return Optional.empty();
        }
        int radix = 10;
        String digits = text;
        if (digits.length() >= 2 && (digits.startsWith("0x") || digits.startsWith("0X"))) {
            digits = digits.substring(2);
            radix = 16;
        } else if (digits.length() >= 2 && digits.startsWith("0")) {
            digits = digits.substring(1);
            radix = 8;
        }
        if (digits.isEmpty()) {
            return Optional.of(BigInteger.ZERO);
        }
        for (int i = 0; i < digits.length(); i++) {
            if (!isAsciiDigit(digits.charAt(i), radix)) {
                return Optional.empty();
            }
        }
        return Optional.of(new BigInteger(digits, radix));
    }

    /** Only ASCII digits count: {@link Character#digit} would also accept e.g. Arabic-Indic digits. */
    private static boolean isAsciiDigit(char c, int radix) {
        if (c >= '0' && c <= '9') {
            return c - '0' < radix;
        }
        if (radix == 16) {
            return c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
        }
        return false;
    }

    /**
     * The WHATWG IPv6 parser, for the text between the brackets of {@code http://[...]/}. It
     * accepts {@code ::} compression and a dotted IPv4 tail ({@code ::ffff:127.0.0.1}) and,
     * unlike {@code InetAddress}, no zone ids ({@code fe80::1%eth0}), which name a local
     * interface and have no business in a URL fetched for an agent.
     */
    static Optional<byte[]> parseIpv6(String text) {
        int[] pieces = new int[8];
        int pieceIndex = 0;
        int compress = -1;
        int pointer = 0;
        int length = text.length();
        if (pointer < length && text.charAt(pointer) == ':') {
            if (pointer + 1 >= length || text.charAt(pointer + 1) != ':') {
                return Optional.empty();
            }
            pointer += 2;
            pieceIndex++;
            compress = pieceIndex;
        }
        while (pointer < length) {
            if (pieceIndex == 8) {
                return Optional.empty();
            }
            if (text.charAt(pointer) == ':') {
                if (compress != -1) {
                    return Optional.empty();
                }
                pointer++;
                pieceIndex++;
                compress = pieceIndex;
                continue;
            }
            int value = 0;
            int digits = 0;
            while (digits < 4 && pointer < length && isAsciiDigit(text.charAt(pointer), 16)) {
                value = value * 16 + Character.digit(text.charAt(pointer), 16);
                pointer++;
                digits++;
            }
            if (pointer < length && text.charAt(pointer) == '.') {
                if (digits == 0) {
                    return Optional.empty();
                }
                pointer -= digits;
                if (pieceIndex > 6) {
                    return Optional.empty();
                }
                int numbersSeen = 0;
                while (pointer < length) {
                    int ipv4Piece = -1;
                    if (numbersSeen > 0) {
                        if (text.charAt(pointer) == '.' && numbersSeen < 4) {
                            pointer++;
                        } else {
                            return Optional.empty();
                        }
                    }
                    if (pointer >= length || !isAsciiDigit(text.charAt(pointer), 10)) {
                        return Optional.empty();
                    }
                    while (pointer < length && isAsciiDigit(text.charAt(pointer), 10)) {
                        int number = text.charAt(pointer) - '0';
                        if (ipv4Piece == -1) {
                            ipv4Piece = number;
                        } else if (ipv4Piece == 0) {
                            return Optional.empty();
                        } else {
                            ipv4Piece = ipv4Piece * 10 + number;
                        }
                        if (ipv4Piece > 255) {
                            return Optional.empty();
                        }
                        pointer++;
                    }
                    pieces[pieceIndex] = pieces[pieceIndex] * 0x100 + ipv4Piece;
                    numbersSeen++;
                    if (numbersSeen == 2 || numbersSeen == 4) {
                        pieceIndex++;
                    }
                }
                if (numbersSeen != 4) {
                    return Optional.empty();
                }
                break;
            } else if (pointer < length && text.charAt(pointer) == ':') {
                pointer++;
                if (pointer >= length) {
                    return Optional.empty();
                }
            } else if (pointer < length) {
                return Optional.empty();
            }
            pieces[pieceIndex] = value;
            pieceIndex++;
        }
        if (compress != -1) {
            int swaps = pieceIndex - compress;
            pieceIndex = 7;
            while (pieceIndex != 0 && swaps > 0) {
                int swapped = pieces[pieceIndex];
                pieces[pieceIndex] = pieces[compress + swaps - 1];
                pieces[compress + swaps - 1] = swapped;
                pieceIndex--;
                swaps--;
            }
        } else if (pieceIndex != 8) {
            return Optional.empty();
        }
        byte[] bytes = new byte[16];
        for (int i = 0; i < 8; i++) {
            bytes[2 * i] = (byte) (pieces[i] >>> 8);
            bytes[2 * i + 1] = (byte) pieces[i];
        }
        return Optional.of(bytes);
    }
}
