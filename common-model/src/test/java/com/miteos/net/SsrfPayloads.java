package com.miteos.net;

import java.util.List;

/**
 * URLs an attacker would hand an agent to reach internal services, every one of which must be
 * refused. {@code {port}} stands for a port, so that the same corpus can aim at a listener
 * the tests run on this machine. The names in it resolve only through {@link #dns(String)}.
 */
public final class SsrfPayloads {

    private static final List<String> TEMPLATES = List.of(
            // loopback, in every spelling browsers and curl accept
            "http://127.0.0.1:{port}/",
            "https://127.0.0.1:{port}/",
            "http://127.255.255.254:{port}/",
            "http://2130706433:{port}/",
            "http://0177.0.0.1:{port}/",
            "http://017700000001:{port}/",
            "http://0x7f.0.0.1:{port}/",
            "http://0x7f000001:{port}/",
            "http://0X7F.1:{port}/",
            "http://127.1:{port}/",
            "http://127.0.1:{port}/",
            "http://127.0.0.1.:{port}/",
            "http://0:{port}/",
            "http://0.0.0.0:{port}/",
            "http://%31%32%37.0.0.1:{port}/",
            "http://\uff11\uff12\uff17\u3002\uff10\u3002\uff10\u3002\uff11:{port}/",
            // user info that makes the URL look like another host
            "http://good@127.0.0.1:{port}/",
            "http://good.example.com@127.0.0.1:{port}/",
            "http://user:pass@127.0.0.1:{port}/",
            // IPv6 loopback, unspecified and IPv4 hidden in IPv6
            "http://[::1]:{port}/",
            "http://[0:0:0:0:0:0:0:1]:{port}/",
            "http://[::]:{port}/",
            "http://[::ffff:127.0.0.1]:{port}/",
            "http://[::ffff:7f00:1]:{port}/",
            "http://[::127.0.0.1]:{port}/",
            "http://[64:ff9b::7f00:1]:{port}/",
            "http://[64:ff9b::a00:1]:{port}/",
            "http://[2002:7f00:1::1]:{port}/",
            "http://[2002:a9fe:a9fe::1]:{port}/",
            "http://[2001::1]:{port}/",
            "http://[fe80::1]:{port}/",
            "http://[fe80::1%25lo]:{port}/",
            "http://[fc00::1]:{port}/",
            "http://[fd00:ec2::254]:{port}/",
            "http://[ff02::1]:{port}/",
            // private, shared, link-local, metadata and other special IPv4 ranges
            "http://10.0.0.1:{port}/",
            "http://172.16.0.1:{port}/",
            "http://172.31.255.254:{port}/",
            "http://192.168.1.1:{port}/",
            "http://169.254.169.254:{port}/latest/meta-data/",
            "http://0xa9fea9fe:{port}/",
            "http://100.64.0.1:{port}/",
            "http://100.100.100.200:{port}/",
            "http://192.0.0.192:{port}/",
            "http://198.18.0.1:{port}/",
            "http://192.0.2.1:{port}/",
            "http://224.0.0.1:{port}/",
            "http://240.0.0.1:{port}/",
            "http://255.255.255.255:{port}/",
            // internal names, refused before any lookup
            "http://localhost:{port}/",
            "http://LOCALHOST.:{port}/",
            "http://x.localhost:{port}/",
            "http://metadata.google.internal:{port}/computeMetadata/v1/",
            "http://metadata:{port}/",
            "http://instance-data:{port}/",
            "http://kafka:{port}/",
            "http://printer.local:{port}/",
            // names that resolve to internal addresses
            "http://rebind.test:{port}/",
            "http://127.0.0.1.nip.io:{port}/",
            "http://mixed.test:{port}/",
            "http://v6-loopback.test:{port}/",
            // other schemes and malformed URLs
            "file:///etc/passwd",
            "gopher://127.0.0.1:{port}/_GET%20/",
            "ftp://127.0.0.1:{port}/",
            "dict://127.0.0.1:{port}/",
            "jar:http://127.0.0.1:{port}/x.jar!/",
            "http:127.0.0.1:{port}/",
            "http:///127.0.0.1:{port}/",
            "//127.0.0.1:{port}/",
            "http://127.0.0.1:{port}\\@example.com/",
            "http://1.2.3.4.5:{port}/");

    private SsrfPayloads() {
    }

    /** Every payload, aimed at {@code port} where a port applies. */
    public static List<String> aimedAt(int port) {
        return TEMPLATES.stream().map(template -> template.replace("{port}", Integer.toString(port))).toList();
    }

    /**
     * The DNS the corpus needs: names that resolve to loopback, and one that resolves to a
     * "public" address and loopback at once, listed public first so that a guard checking only
     * the first answer would be caught.
     */
    public static TestDns dns(String publicAddress) {
        return new TestDns()
                .answer("rebind.test", "127.0.0.1")
                .answer("127.0.0.1.nip.io", "127.0.0.1")
                .answer("mixed.test", publicAddress, "127.0.0.1")
                .answer("v6-loopback.test", "::1");
    }
}
