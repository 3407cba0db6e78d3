package com.miteos.net;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;

/**
 * The JDK HTTP client and requests for every connection the {@link SsrfGuard} vetted: those of
 * {@code fetch_url} and of webhook deploys. Both must connect exactly where the guard looked, so
 * they share this one piece of code.
 *
 * <p><b>Plain http is pinned.</b> A name may resolve to a public address for the check and to
 * {@code 127.0.0.1} a moment later for the connection (DNS rebinding). A pinned request is sent to
 * the vetted address itself ({@link VettedTarget#pinnedUri()}) with the original {@code Host}
 * header, so the client never looks the name up again. The JDK client refuses a user {@code Host}
 * header unless the system property {@code jdk.httpclient.allowRestrictedHeaders} contains
 * {@code host}; this class sets it when nobody did, but that only works if no {@code HttpClient}
 * was used before in the JVM, so deployments pass {@code -Djdk.httpclient.allowRestrictedHeaders=host}.
 * Without it ({@link #pinsPlainHttp()} false) http falls back to the https behaviour below.
 *
 * <p><b>https is not pinned.</b> The request goes to the name and the client resolves it again.
 * (The JDK client could be made to connect to the address while sending the name in SNI and
 * checking the certificate against it, but only with one client per host name.) What limits the
 * exposure: with the default resolver the second lookup is answered from the JVM's DNS cache
 * ({@code networkaddress.cache.ttl}, 30 s by default), i.e. with the very addresses the guard
 * vetted, so an attacker must make the entry expire between the check and the connect; and a
 * rebound connection still has to pass TLS certificate verification for the name, which an
 * internal service cannot, so no request (no path, header or body) reaches it, only a TCP
 * connection and a TLS client hello. Keep that cache enabled.
 *
 * <p>The client never uses a proxy (a proxy would connect wherever it resolves the name), follows
 * no redirect (a redirect target must be vetted again; {@code fetch_url} does that itself), and
 * sends no cookies or credentials.
 */
public final class PinnedRequests {

    private static final String RESTRICTED_HEADERS = "jdk.httpclient.allowRestrictedHeaders";
    private static final boolean HOST_HEADER_ALLOWED;

    static {
        // The JDK reads this property once, when its HTTP client classes first load; set it
        // before that if the deployment did not, so that plain-http requests can be pinned.
        if (System.getProperty(RESTRICTED_HEADERS) == null) {
            System.setProperty(RESTRICTED_HEADERS, "host");
        }
        HOST_HEADER_ALLOWED = hostHeaderAllowed();
    }

    private PinnedRequests() {
    }

    /**
     * Whether plain-http requests are sent to the vetted address (immune to DNS rebinding),
     * which needs the {@code Host} header to be settable; see the class comment.
     */
    public static boolean pinsPlainHttp() {
        return HOST_HEADER_ALLOWED;
    }

    /** A client for vetted targets: no proxy, no redirects, the given connect timeout. */
    public static HttpClient client(Duration connectTimeout) {
        return HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(connectTimeout)
                .proxy(HttpClient.Builder.NO_PROXY)
                .build();
    }

    /**
     * A request aimed at {@code target}: for plain http at its first vetted address with the
     * original {@code Host} header (HTTP/1.1, since an HTTP/2 upgrade over cleartext is a dance
     * some servers get wrong); for https at its normalised URL, by name.
     */
    public static HttpRequest.Builder to(VettedTarget target) {
        HttpRequest.Builder builder = HttpRequest.newBuilder();
        if (target.isHttps()) {
            return builder.uri(target.url());
        }
        builder.version(HttpClient.Version.HTTP_1_1);
        if (HOST_HEADER_ALLOWED) {
            return builder.uri(target.pinnedUri()).header("Host", target.hostHeader());
        }
        return builder.uri(target.url());
    }

    private static boolean hostHeaderAllowed() {
        try {
            HttpRequest.newBuilder().header("Host", "probe.invalid");
            return true;
        } catch (IllegalArgumentException restricted) {
            return false;
        }
    }
}
