package com.miteos.gateway.domain;

import java.util.List;

/**
 * An error answered as RFC 9457 problem details. {@code type} is a short slug that the mapper
 * turns into the problem type URI; {@code errors} names each invalid field.
 */
public class ApiProblem extends RuntimeException {

    private final int status;
    private final String type;
    private final String title;
    private final List<FieldError> errors;

    public ApiProblem(int status, String type, String title, String detail) {
        this(status, type, title, detail, List.of());
    }

    public ApiProblem(int status, String type, String title, String detail, List<FieldError> errors) {
        super(detail, null, false, false);
        this.status = status;
        this.type = type;
        this.title = title;
        this.errors = List.copyOf(errors);
    }

    public static ApiProblem notFound(String what) {
        return new ApiProblem(404, "not-found", "Not found", what + " does not exist.");
    }

    public static ApiProblem validation(List<FieldError> errors) {
        String detail = errors.size() == 1 ? errors.get(0).field() + ": " + errors.get(0).message()
                : errors.size() + " fields are invalid; see errors.";
        return new ApiProblem(400, "validation-error", "Invalid request", detail, errors);
    }

    public static ApiProblem unavailable(String detail) {
        return new ApiProblem(503, "service-unavailable", "Service unavailable", detail);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String title() {
        return title;
    }

    public String detail() {
        return getMessage();
    }

    public List<FieldError> errors() {
        return errors;
    }

    /** One invalid input: the field's path (e.g. {@code config.max_agents}) and what is wrong. */
    public record FieldError(String field, String message) {
    }
}
