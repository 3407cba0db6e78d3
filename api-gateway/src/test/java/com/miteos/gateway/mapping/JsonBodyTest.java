package com.miteos.gateway.mapping;

import com.miteos.gateway.domain.ApiProblem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Request bodies must be one JSON object; every other body is a 400 that says why, without internals. */
class JsonBodyTest {

    @Test
    void aJsonObjectIsReadAsIs() {
        assertThat(JsonBody.object("{\"prompt\":\"x\",\"n\":1}").get("n").intValue()).isEqualTo(1);
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "   ", "[]", "42", "\"text\"", "null"})
    void aBodyThatIsNotAnObjectIsRefusedAsSuch(String body) {
        ApiProblem problem = refusal(body);

        assertThat(problem.status()).isEqualTo(400);
        assertThat(problem.type()).isEqualTo("malformed-body");
        assertThat(problem.title()).isEqualTo("Malformed body");
        assertThat(problem.detail()).isEqualTo("The request body must be a JSON object.");
    }

    @Test
    void malformedJsonIsRefusedWithWhereItBroke() {
        ApiProblem problem = refusal("{\n  \"prompt\": ,\n}");

        assertThat(problem.status()).isEqualTo(400);
        assertThat(problem.type()).isEqualTo("malformed-body");
        assertThat(problem.detail()).isEqualTo("The request body is not valid JSON (line 2, column 13).");
    }

    @Test
    void bodiesBeyondTheParserLimitsAreRefusedWithoutInternals() {
        for (String body : new String[] {"[".repeat(2_000) + "]".repeat(2_000),
                "{\"n\":1" + "0".repeat(1_500) + "}"}) {
            ApiProblem problem = refusal(body);

            assertThat(problem.type()).isEqualTo("malformed-body");
            assertThat(problem.detail())
                    .isEqualTo("The request body nests too deeply or holds a number too long to read.");
        }
    }

    private static ApiProblem refusal(String body) {
        ApiProblem problem = catchThrowableOfType(ApiProblem.class, () -> JsonBody.object(body));
        assertThat(problem).as("refused: %s", body).isNotNull();
        return problem;
    }
}
