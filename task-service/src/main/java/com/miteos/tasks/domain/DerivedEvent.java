package com.miteos.tasks.domain;

import java.util.Map;

/** A stream event before it is numbered and stored: its SSE name and its JSON data's fields. */
public record DerivedEvent(String type, Map<String, Object> data) {
}
