package com.miteos.gateway;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/**
 * The documented defaults of the settings that the exposure and size-limit tests check, set here
 * so that nothing exported in the developer's shell changes what they prove: the gateway on all
 * interfaces, the admin API on but answering this host only, and the header, request-line and
 * body limits, set through the variables the README documents.
 */
public class PinnedDefaults implements QuarkusTestProfile {

    static final int MAX_HEADER_BYTES = 16 * 1024;
    static final int MAX_REQUEST_LINE_BYTES = 4096;
    static final int MAX_BODY_BYTES = 256 * 1024;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "MITEOS_GATEWAY_HOST", "0.0.0.0",
                "MITEOS_MAX_HEADER_SIZE", "16K",
                "MITEOS_MAX_URL_LENGTH", "4096",
                "MITEOS_MAX_BODY_SIZE", "256K",
                // The property itself, not MITEOS_ADMIN_ALLOW_REMOTE: an exported variable of that
                // name maps straight onto it and would win over the expression's default.
                "miteos.admin.allow-remote", "false");
    }
}
