package com.miteos.net;

import com.miteos.net.TargetRefusal.Reason;

import java.net.IDN;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Decides whether a URL an agent asked for may be fetched, and if so, from which addresses.
 *
 * <p>Agents take instructions from the pages they read, so any URL they pass must be treated
 * as chosen by an attacker who wants our servers to reach what the attacker cannot: the cloud
 * metadata service, the orchestrator's own Kafka, MinIO and health ports, other services in
 * the cluster. The rules, all of which must pass:
 * <ul>
 *   <li>scheme {@code http} or {@code https}: no {@code file:}, {@code gopher:}, {@code ftp:};</li>
 *   <li>no user info ({@code http://good@127.0.0.1/}): it only serves to make a URL look like
 *       a different host to a human or a naive parser, and we never send credentials;</li>
 *   <li>any port. Blocking ports would break real sites on 8080 or 8443, and cannot protect
 *       anything anyway: every port of a non-public address is refused below, and a public host
 *       is reachable by anyone on any port;</li>
 *   <li>numeric hosts are read as browsers and curl read them ({@link IpLiteral}): {@code
 *       2130706433}, {@code 0177.0.0.1}, {@code 0x7f.1}, {@code 127.1} and {@code 0} are
 *       all loopback or "this host", and are refused as such rather than handed to a resolver
 *       that might agree with curl;</li>
 *   <li>host names that only exist inside a network are refused before any lookup: {@code
 *       localhost} and {@code *.localhost}, {@code metadata}, {@code instance-data}, anything
 *       under {@code .internal} (e.g. {@code metadata.google.internal}), {@code .local},
 *       {@code .localdomain}, {@code .home.arpa}, and single-label names, which only resolve
 *       through a local search domain (in Kubernetes: {@code kafka}, {@code minio});</li>
 *   <li>every address the name resolves to must pass the {@link AddressPolicy}; one private
 *       address among public ones refuses the URL, since a client may connect to any of them.</li>
 * </ul>
 *
 * <p>The guard answers a {@link VettedTarget} that carries the checked addresses, so that the
 * connection goes to exactly those and a second, different DNS answer cannot sneak in.
 * {@link #vet} may block on DNS; call it off the event loop.
 */
public final class SsrfGuard {

    private static final Set<String> INTERNAL_NAMES = Set.of("localhost", "metadata", "instance-data");
    private static final List<String> INTERNAL_SUFFIXES = List.of(".localhost", ".internal", ".local",
            ".localdomain", ".home.arpa");
    /** What a host name may consist of after IDNA conversion: LDH labels, plus '_' which real names use. */
    private static final Pattern HOST_NAME = Pattern.compile("[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?"
            + "(\\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*");
    private static final int MAX_HOST_NAME_LENGTH = 253;

    private final HostResolver resolver;
    private final AddressPolicy policy;

    public SsrfGuard(HostResolver resolver, AddressPolicy policy) {
        this.resolver = Objects.requireNonNull(resolver);
        this.policy = Objects.requireNonNull(policy);
    }

    /** A guard for the public internet, resolving through {@code resolver}. */
    public SsrfGuard(HostResolver resolver) {
        this(resolver, AddressPolicy.publicInternet());
    }

    /**
     * Checks {@code url} and answers where to connect for it.
     *
     * @throws TargetRefusal if the URL is malformed, forbidden, or does not resolve
     */
    public VettedTarget vet(String url) {
        URI uri = parse(url);
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        String rawAuthority = uri.getRawAuthority();
        if (rawAuthority == null || rawAuthority.isEmpty()) {
            throw new TargetRefusal(Reason.INVALID_URL, "the URL has no host: " + url);
        }
        if (rawAuthority.indexOf('@') >= 0) {
            throw new TargetRefusal(Reason.FORBIDDEN_TARGET,
                    "URLs with a user name or password (user@host) are not fetched");
        }
        HostAndPort hostAndPort = splitAuthority(rawAuthority, scheme, url);
        Host host = readHost(hostAndPort.host(), url);
        for (InetAddress address : host.addresses()) {
            if (!policy.permits(address)) {
                // The address stays out of the message: it could map internal DNS for an attacker.
                throw new TargetRefusal(Reason.FORBIDDEN_TARGET, "'" + hostAndPort.host() + "' "
                        + (host.named() ? "resolves to an address that is not" : "is not")
                        + " a public internet address (loopback, private, link-local, metadata and other "
                        + "internal addresses are never fetched)");
            }
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String pathAndQuery = asciiOnly(uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery());
        int port = hostAndPort.port();
        String authority = port == VettedTarget.defaultPort(scheme) ? host.text() : host.text() + ":" + port;
        URI normalised = URI.create(scheme + "://" + authority + pathAndQuery);
        return new VettedTarget(normalised, host.text(), port, pathAndQuery, host.addresses());
    }

    /**
     * {@link URI} only splits the URL into parts here; it never interprets the host. Whatever
     * it rejects (spaces, backslashes, control characters) we refuse too: being stricter than a
     * browser is safe, being looser is not.
     */
    private static URI parse(String url) {
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new TargetRefusal(Reason.INVALID_URL, "not a valid URL: " + url);
        }
        if (uri.getScheme() == null) {
            throw new TargetRefusal(Reason.INVALID_URL, "the URL must be absolute, starting with http:// or https://");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new TargetRefusal(Reason.FORBIDDEN_TARGET,
                    "only http and https URLs can be fetched, not " + scheme + ":");
        }
        if (uri.isOpaque()) {
            throw new TargetRefusal(Reason.INVALID_URL, "not a valid URL: " + url);
        }
        return uri;
    }

    /**
     * Percent-encodes (as UTF-8) the non-ASCII characters {@link URI} lets through in paths and
     * queries, as browsers do: an HTTP request line is ASCII.
     */
    private static String asciiOnly(String pathAndQuery) {
        if (pathAndQuery.chars().allMatch(c -> c < 0x80)) {
            return pathAndQuery;
        }
        StringBuilder ascii = new StringBuilder();
        pathAndQuery.codePoints().forEach(c -> {
            if (c < 0x80) {
                ascii.append((char) c);
            } else {
                for (byte b : new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8)) {
                    ascii.append('%').append(String.format("%02X", b & 0xff));
                }
            }
        });
        return ascii.toString();
    }

    private record HostAndPort(String host, int port) {
    }

    private static HostAndPort splitAuthority(String authority, String scheme, String url) {
        String host;
        String portText;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0) {
                throw new TargetRefusal(Reason.INVALID_URL, "not a valid URL: " + url);
            }
            host = authority.substring(0, close + 1);
            String rest = authority.substring(close + 1);
            if (!rest.isEmpty() && !rest.startsWith(":")) {
                throw new TargetRefusal(Reason.INVALID_URL, "not a valid URL: " + url);
            }
            portText = rest.isEmpty() ? "" : rest.substring(1);
        } else {
            int colon = authority.lastIndexOf(':');
            host = colon < 0 ? authority : authority.substring(0, colon);
            portText = colon < 0 ? "" : authority.substring(colon + 1);
        }
        if (portText.isEmpty()) {
            return new HostAndPort(host, VettedTarget.defaultPort(scheme));
        }
        if (portText.length() > 5 || !portText.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new TargetRefusal(Reason.INVALID_URL, "not a valid port in " + url);
        }
        int port = Integer.parseInt(portText);
        if (port < 1 || port > 65535) {
            throw new TargetRefusal(Reason.INVALID_URL, "not a valid port in " + url);
        }
        return new HostAndPort(host, port);
    }

    /** A host as written in the normalised URL, the addresses it stands for, and whether it was a name. */
    private record Host(String text, List<InetAddress> addresses, boolean named) {
    }

    private Host readHost(String raw, String url) {
        if (raw.isEmpty()) {
            throw new TargetRefusal(Reason.INVALID_URL, "the URL has no host: " + url);
        }
        if (raw.startsWith("[")) {
            byte[] bytes = IpLiteral.parseIpv6(raw.substring(1, raw.length() - 1))
                    .orElseThrow(() -> new TargetRefusal(Reason.INVALID_URL, "not a valid IPv6 address: " + raw));
            InetAddress address = byAddress(bytes);
            return new Host(VettedTarget.literal(address), List.of(address), false);
        }
        if (raw.indexOf('%') >= 0) {
            // Browsers percent-decode hosts (%31%32%37.0.0.1 is 127.0.0.1); no real site needs it.
            throw new TargetRefusal(Reason.INVALID_URL, "percent-encoded host names are not fetched: " + url);
        }
        String ascii;
        try {
            // IDNA maps full-width digits and ideographic dots to ASCII ("１２７。０。０。１"), so
            // the numeric check below must see the converted name, as a browser's would.
            ascii = IDN.toASCII(raw, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            throw new TargetRefusal(Reason.INVALID_URL, "not a valid host name: " + raw);
        }
        if (ascii.isEmpty() || ascii.equals(".")) {
            throw new TargetRefusal(Reason.INVALID_URL, "the URL has no host: " + url);
        }
        if (IpLiteral.endsInANumber(ascii)) {
            byte[] bytes = IpLiteral.parseIpv4(ascii)
                    .orElseThrow(() -> new TargetRefusal(Reason.INVALID_URL, "not a valid IPv4 address: " + raw));
            InetAddress address = byAddress(bytes);
            return new Host(address.getHostAddress(), List.of(address), false);
        }
        // A trailing dot names the same host ("localhost." is localhost); compare without it.
        String name = ascii.endsWith(".") ? ascii.substring(0, ascii.length() - 1) : ascii;
        if (name.length() > MAX_HOST_NAME_LENGTH || !HOST_NAME.matcher(name).matches()) {
            throw new TargetRefusal(Reason.INVALID_URL, "not a valid host name: " + raw);
        }
        if (isInternalName(name)) {
            throw new TargetRefusal(Reason.FORBIDDEN_TARGET, "'" + raw
                    + "' is an internal host name (localhost, metadata, .internal, .local and names "
                    + "without a dot are never fetched)");
        }
        return new Host(name, resolve(name), true);
    }

    static boolean isInternalName(String name) {
        return name.indexOf('.') < 0
                || INTERNAL_NAMES.contains(name)
                || INTERNAL_SUFFIXES.stream().anyMatch(name::endsWith);
    }

    private List<InetAddress> resolve(String name) {
        List<InetAddress> addresses;
        try {
            addresses = resolver.resolve(name);
        } catch (UnknownHostException e) {
            throw new TargetRefusal(Reason.UNKNOWN_HOST, "the host name '" + name + "' does not resolve");
        }
        if (addresses == null || addresses.isEmpty()) {
            throw new TargetRefusal(Reason.UNKNOWN_HOST, "the host name '" + name + "' does not resolve");
        }
        return addresses.stream().map(address -> byAddress(address.getAddress())).toList();
    }

    /**
     * An address object made from bytes only: no name attached, so nothing downstream can be
     * tempted to look the name up again.
     */
    private static InetAddress byAddress(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 or 16 bytes are always an address", e);
        }
    }
}
