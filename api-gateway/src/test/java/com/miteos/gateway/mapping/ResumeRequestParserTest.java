package com.miteos.gateway.mapping;

import com.miteos.gateway.domain.ApiProblem;
import com.miteos.gateway.domain.ApiProblem.FieldError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** {@code POST /v1/tasks/{id}/resume} bodies: an optional message for the agents, and nothing else. */
class ResumeRequestParserTest {

    @Test
    void theMessageIsHandedOnAsWritten() {
        assertThat(message("{\"message\":\"Leave Milvus out.\"}")).isEqualTo("Leave Milvus out.");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"message\":null}", "{\"message\":\"  \\t \"}", "{\"message\":\"\"}"})
    void anEmptyBodyOrBlankMessageIsAResumeWithoutMessage(String body) {
        assertThat(message(body)).isNull();
    }

    @Test
    void aMessageOfExactlyTheLimitIsAcceptedAndOneCharacterMoreIsNot() {
        String longest = "m".repeat(ResumeRequestParser.MAX_MESSAGE_LENGTH);

        assertThat(message("{\"message\":\"" + longest + "\"}")).isEqualTo(longest);
        assertThat(refusal("{\"message\":\"" + longest + "m\"}").errors())
                .containsExactly(new FieldError("message", "must be a string of at most 4000 characters"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"message\":42}", "{\"message\":[\"a\"]}", "{\"message\":{}}"})
    void aMessageThatIsNotAStringIsRefused(String body) {
        assertThat(refusal(body).errors())
                .containsExactly(new FieldError("message", "must be a string of at most 4000 characters"));
    }

    @Test
    void aMessageThatCannotBeStoredIsRefused() {
        assertThat(refusal("{\"message\":\"a\\u0000b\"}").errors())
                .containsExactly(new FieldError("message", ClientText.NOT_STORABLE));
    }

    @Test
    void anyOtherFieldIsRefusedByName() {
        ApiProblem problem = refusal("{\"message\":\"ok\",\"note\":\"x\"}");

        assertThat(problem.status()).isEqualTo(400);
        assertThat(problem.errors()).containsExactly(new FieldError("note", "is not a known field"));
        assertThat(problem.detail()).isEqualTo("note: is not a known field");
    }

    @Test
    void aNewBudgetCapIsReadExactlyFromItsDecimalText() {
        assertThat(ResumeRequestParser.parse(JsonBody.object("{\"max_cost\":0.1}")).maxCost())
                .isEqualTo(new java.math.BigDecimal("0.1"));
        assertThat(ResumeRequestParser.parse(JsonBody.object("{\"max_cost\":3}")).maxCost())
                .isEqualTo(new java.math.BigDecimal("3"));
        assertThat(ResumeRequestParser.parse(JsonBody.object("{\"max_cost\":null}")).maxCost()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-0.01", "1000000.5", "\"1\"", "[1]", "false"})
    void aCapThatIsNotAPositiveNumberUpToAMillionIsRefused(String cap) {
        assertThat(refusal("{\"max_cost\":" + cap + "}").errors())
                .containsExactly(new FieldError("max_cost", MaxCostField.RULE));
    }

    private static String message(String body) {
        return ResumeRequestParser.message(JsonBody.object(body));
    }

    private static ApiProblem refusal(String body) {
        ApiProblem problem = catchThrowableOfType(ApiProblem.class, () -> message(body));
        assertThat(problem).as("refused: %s", body).isNotNull();
        return problem;
    }
}
