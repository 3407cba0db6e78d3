package com.miteos.net;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.util.List;

/**
 * A URL the {@link SsrfGuard} let through, rebuilt from the parts it checked, together with
 * the addresses it checked. Whoever connects must use these addresses (see {@link #pinnedUri()})
 * rather than look the name up again: a second lookup may answer differently (DNS rebinding).
 *
 * @param url          the normalised URL: scheme, checked host (numeric spellings rewritten
 *                     to the address they mean), port unless the default, raw path and
 *                     query; no credentials, no fragment
 * @param host         the host as it goes into {@code Host} and TLS SNI: a lower-case ASCII name,
 *                     a dotted IPv4 address or a bracketed IPv6 address
 * @param port         the port to connect to (the scheme's default when the URL gave none)
 * @param pathAndQuery the raw request target, at least {@code /}
 * @param addresses    every address the host stands for, all of them permitted by the policy
 */
public record VettedTarget(URI url, String host, int port, String pathAndQuery, List<InetAddress> addresses) {

    public VettedTarget {
        addresses = List.copyOf(addresses);
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("a vetted target has at least one address");
        }
    }

    public boolean isHttps() {
        return "https".equals(url.getScheme());
    }

    /** The same request aimed at the first vetted address instead of the name. */
    public URI pinnedUri() {
        return URI.create(url.getScheme() + "://" + literal(addresses.get(0)) + ":" + port + pathAndQuery);
    }

    /** The {@code Host} header a client would send for {@link #url()}: the port only if not the default. */
    public String hostHeader() {
        return port == defaultPort(url.getScheme()) ? host : host + ":" + port;
    }

    static int defaultPort(String scheme) {
        return "https".equals(scheme) ? 443 : 80;
    }

    /** An address as it is written in a URL; IPv6 in brackets and without a zone. */
    static String literal(InetAddress address) {
        if (address instanceof Inet6Address) {
            String text = address.getHostAddress();
            int zone = text.indexOf('%');
            return "[" + (zone < 0 ? text : text.substring(0, zone)) + "]";
        }
        return address.getHostAddress();
    }
}
