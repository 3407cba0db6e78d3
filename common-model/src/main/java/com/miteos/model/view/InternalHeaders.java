package com.miteos.model.view;

/**
 * Headers by which the gateway tells internal services on whose behalf it asks. Internal
 * services refuse requests without them, and scope every query to that owner.
 */
public final class InternalHeaders {

    public static final String ACCOUNT_ID = "X-Miteos-Account-Id";
    public static final String MODE = "X-Miteos-Mode";

    private InternalHeaders() {
    }
}
