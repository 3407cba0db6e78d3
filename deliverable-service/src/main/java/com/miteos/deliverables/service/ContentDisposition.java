package com.miteos.deliverables.service;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Builds {@code Content-Disposition: attachment} headers. Deliverables are always attachments,
 * so a browser never renders an agent-written HTML file on an origin. The plain
 * {@code filename} is an ASCII fallback (what {@code curl -OJ} uses); {@code filename*} carries
 * the exact UTF-8 name (RFC 6266).
 */
public final class ContentDisposition {

    private ContentDisposition() {
    }

    public static String attachment(String name) {
        StringBuilder ascii = new StringBuilder(name.length());
        name.codePoints().forEach(c -> ascii.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? (char) c : '_'));
        String encoded = URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
        return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
    }
}
