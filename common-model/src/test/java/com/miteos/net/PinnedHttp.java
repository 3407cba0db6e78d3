package com.miteos.net;

import static org.assertj.core.api.Assertions.assertThat;

/** A precondition of every test that fetches: plain http must go to the vetted address, never to a fresh lookup. */
public final class PinnedHttp {

    private PinnedHttp() {
    }

    /** Fails fast when pinning is off: the tests would otherwise look their names up in the real DNS. */
    public static void required() {
        assertThat(PinnedRequests.pinsPlainHttp())
                .as("plain http must be pinned to the vetted address, or these tests would look names up in the "
                        + "real DNS; run with -Djdk.httpclient.allowRestrictedHeaders=host")
                .isTrue();
    }
}
