package com.miteos.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A resolver that answers from a table, so tests never query a real DNS server and can make
 * a name resolve to anything (loopback, private, several addresses). Names not in the table
 * do not resolve. Remembers every name it was asked, to prove numeric hosts never reach it.
 */
public final class TestDns implements HostResolver {

    private final Map<String, List<InetAddress>> answers = new HashMap<>();
    private final List<String> asked = Collections.synchronizedList(new ArrayList<>());

    public TestDns answer(String name, String... addresses) {
        List<InetAddress> resolved = new ArrayList<>();
        for (String address : addresses) {
            resolved.add(address(address));
        }
        answers.put(name, List.copyOf(resolved));
        return this;
    }

    @Override
    public List<InetAddress> resolve(String host) throws UnknownHostException {
        asked.add(host);
        List<InetAddress> addresses = answers.get(host);
        if (addresses == null) {
            throw new UnknownHostException(host);
        }
        return addresses;
    }

    public List<String> asked() {
        return List.copyOf(asked);
    }

    /** A canonical IPv4 or IPv6 literal as an address, parsed without any resolver. */
    public static InetAddress address(String literal) {
        byte[] bytes = literal.contains(":")
                ? IpLiteral.parseIpv6(literal).orElseThrow()
                : IpLiteral.parseIpv4(literal).orElseThrow();
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
