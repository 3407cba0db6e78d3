package com.miteos.tasks.service;

import com.miteos.net.AddressPolicy;
import com.miteos.net.HostResolver;
import com.miteos.net.SsrfGuard;
import com.miteos.net.TargetRefusal;
import com.miteos.net.VettedTarget;
import com.miteos.tasks.config.WebhookConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.net.InetAddress;
import java.util.Locale;

/**
 * Where webhooks may go: every URL passes the same {@link SsrfGuard} as {@code fetch_url}, at
 * registration and again before every attempt (a name may resolve elsewhere by then), and the
 * connection goes to the vetted address. https only, unless {@code allow-http}; loopback only if
 * {@code allow-loopback-targets} (local development and tests). Lookups block: call off the event loop.
 */
@ApplicationScoped
public class WebhookTargets {

    private final SsrfGuard guard;
    private final boolean allowHttp;
    private final int maxUrlLength;

    @Inject
    public WebhookTargets(WebhookConfig config, HostResolver resolver) {
        AddressPolicy policy = config.allowLoopbackTargets() ? WebhookTargets::publicOrLoopback
                : AddressPolicy.publicInternet();
        this.guard = new SsrfGuard(resolver, policy);
        this.allowHttp = config.allowHttp();
        this.maxUrlLength = config.maxUrlLength();
    }

    /**
     * Checks {@code url} for registration and delivery alike.
     *
     * @throws TargetRefusal saying why it is refused, in words for the account
     */
    public VettedTarget vet(String url) {
        if (url.length() > maxUrlLength) {
            throw new TargetRefusal(TargetRefusal.Reason.INVALID_URL,
                    "must be at most " + maxUrlLength + " characters long");
        }
        if (!allowHttp && !url.strip().toLowerCase(Locale.ROOT).startsWith("https://")) {
            throw new TargetRefusal(TargetRefusal.Reason.FORBIDDEN_TARGET, "must be an https:// URL");
        }
        return guard.vet(url);
    }

    private static boolean publicOrLoopback(InetAddress address) {
        return address.isLoopbackAddress() || AddressPolicy.publicInternet().permits(address);
    }
}
