package com.miteos.gateway.config;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The gateway's {@link GatewayConfig} as the test profile of a started gateway sees it (the real
 * application.properties, profile {@code test}, no environment) with some properties overridden,
 * read by SmallRye Config as Quarkus reads it, but without starting a gateway: a unit test can
 * check what a setting does for one Quarkus start-up fewer.
 */
public final class GatewayConfigs {

    private GatewayConfigs() {
    }

    /** The configuration with {@code overrides} winning over application.properties, as a test profile's do. */
    public static GatewayConfig withOverrides(Map<String, String> overrides) {
        SmallRyeConfig config;
        try {
            config = new SmallRyeConfigBuilder()
                    .withProfile("test")
                    .withSources(new PropertiesConfigSource(
                            GatewayConfigs.class.getClassLoader().getResource("application.properties"), 250))
                    .withSources(new PropertiesConfigSource(overrides, "test overrides", 500))
                    .withMapping(GatewayConfig.class)
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return config.getConfigMapping(GatewayConfig.class);
    }
}
