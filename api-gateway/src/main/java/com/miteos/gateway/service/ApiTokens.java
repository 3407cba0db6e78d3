package com.miteos.gateway.service;

import com.miteos.model.task.Mode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * Mints API tokens and hashes them. A token is {@code mt_live_} or {@code mt_test_} followed by
 * 40 random base62 characters (about 238 bits), so an unsalted SHA-256 is a safe stored form:
 * there is nothing to guess. Only the first characters are ever shown again, as the key's prefix.
 */
public final class ApiTokens {

    public static final String LIVE_PREFIX = "mt_live_";
    public static final String TEST_PREFIX = "mt_test_";
    static final int RANDOM_LENGTH = 40;
    private static final int SHOWN_RANDOM_CHARS = 4;
    private static final char[] BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiTokens() {
    }

    public static String mint(Mode mode) {
        StringBuilder token = new StringBuilder(prefixOf(mode));
        for (int i = 0; i < RANDOM_LENGTH; i++) {
            token.append(BASE62[RANDOM.nextInt(BASE62.length)]);
        }
        return token.toString();
    }

    /** The part of a token that may be shown and logged: its mode prefix and a few characters. */
    public static String displayPrefix(String token) {
        return token.substring(0, Math.min(token.length(), TEST_PREFIX.length() + SHOWN_RANDOM_CHARS));
    }

    /** The mode a token claims by its prefix, or null when it has neither prefix or a bad shape. */
    public static Mode modeOf(String token) {
        Mode mode = token.startsWith(LIVE_PREFIX) ? Mode.LIVE : token.startsWith(TEST_PREFIX) ? Mode.TEST : null;
        if (mode == null || token.length() != LIVE_PREFIX.length() + RANDOM_LENGTH) {
            return null;
        }
        for (int i = LIVE_PREFIX.length(); i < token.length(); i++) {
            char c = token.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z')) {
                return null;
            }
        }
        return mode;
    }

    public static byte[] hash(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static String prefixOf(Mode mode) {
        return mode == Mode.LIVE ? LIVE_PREFIX : TEST_PREFIX;
    }
}
