package com.miteos.tasks.domain;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookSigningException;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Standard Webhooks signatures, made with the reference library: {@code v1,<base64 HMAC-SHA256>}
 * of {@code id.timestamp.payload}. During a secret rotation a delivery carries one signature per
 * valid secret, space-separated, as the specification allows, so a receiver verifies with either.
 */
public final class WebhookSigner {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int SECRET_BYTES = 32;

    private WebhookSigner() {
    }

    /** A new secret as shown to the account once: {@code whsec_} and 32 random bytes in base64. */
    public static String newSecret() {
        byte[] key = new byte[SECRET_BYTES];
        RANDOM.nextBytes(key);
        return "whsec_" + Base64.getEncoder().encodeToString(key);
    }

    /** The {@code webhook-signature} header value for {@code payload}, signed with every given secret. */
    public static String signature(List<String> secrets, String webhookId, long timestampSeconds, String payload) {
        List<String> signatures = new ArrayList<>(secrets.size());
        for (String secret : secrets) {
            try {
                signatures.add(new Webhook(secret).sign(webhookId, timestampSeconds, payload));
            } catch (WebhookSigningException e) {
                throw new IllegalStateException("cannot sign webhook " + webhookId, e);
            }
        }
        return String.join(" ", signatures);
    }
}
