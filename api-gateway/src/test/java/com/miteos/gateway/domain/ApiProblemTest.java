package com.miteos.gateway.domain;

import com.miteos.gateway.domain.ApiProblem.FieldError;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The problem details the gateway answers with: status, type slug, title and a detail a person can read. */
class ApiProblemTest {

    @Test
    void oneInvalidFieldIsNamedInTheDetail() {
        ApiProblem problem = ApiProblem.validation(List.of(new FieldError("config.max_agents", "must be from 1 to 10")));

        assertThat(problem.status()).isEqualTo(400);
        assertThat(problem.type()).isEqualTo("validation-error");
        assertThat(problem.title()).isEqualTo("Invalid request");
        assertThat(problem.detail()).isEqualTo("config.max_agents: must be from 1 to 10");
    }

    @Test
    void severalInvalidFieldsAreCountedAndListed() {
        List<FieldError> errors = new ArrayList<>(List.of(new FieldError("prompt", "is required"),
                new FieldError("extra", "is not a known field")));

        ApiProblem problem = ApiProblem.validation(errors);
        errors.clear();

        assertThat(problem.detail()).isEqualTo("2 fields are invalid; see errors.");
        assertThat(problem.errors()).as("a copy, not the caller's list").hasSize(2);
    }

    @Test
    void notFoundAndUnavailableCarryTheirStatusAndSlug() {
        ApiProblem missing = ApiProblem.notFound("Task task_x");
        ApiProblem unavailable = ApiProblem.unavailable("The task service is not answering.");

        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.type()).isEqualTo("not-found");
        assertThat(missing.title()).isEqualTo("Not found");
        assertThat(missing.detail()).isEqualTo("Task task_x does not exist.");
        assertThat(missing.errors()).isEmpty();
        assertThat(unavailable.status()).isEqualTo(503);
        assertThat(unavailable.type()).isEqualTo("service-unavailable");
        assertThat(unavailable.title()).isEqualTo("Service unavailable");
        assertThat(unavailable.detail()).isEqualTo("The task service is not answering.");
    }
}
