package com.miteos.gateway.mapping;

import com.miteos.gateway.domain.ApiProblem;
import com.miteos.gateway.domain.CostLimits;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The admin API's change of an account's budget limits: set, clear, keep, and the default within the ceiling. */
class CostLimitsPatchTest {

    private static final CostLimits FIVE_AND_FIFTY = new CostLimits(new BigDecimal("5"), new BigDecimal("50"));

    @Test
    void aNumberSetsNullClearsAndAnAbsentFieldStays() {
        assertThat(patch("{\"default_max_cost\": 7.50}").applyTo(FIVE_AND_FIFTY))
                .isEqualTo(new CostLimits(new BigDecimal("7.5"), new BigDecimal("50")));
        assertThat(patch("{\"max_cost_ceiling\": null}").applyTo(FIVE_AND_FIFTY))
                .isEqualTo(new CostLimits(new BigDecimal("5"), null));
        assertThat(patch("{}").applyTo(FIVE_AND_FIFTY)).isEqualTo(FIVE_AND_FIFTY);
        assertThat(patch("{\"max_cost_ceiling\": 100.00}").applyTo(FIVE_AND_FIFTY).ceiling()).hasToString("100");
    }

    @Test
    void invalidValuesAndUnknownFieldsAre400sNamingEachField() {
        assertThatThrownBy(() -> patch("{\"default_max_cost\": 0, \"max_cost_ceiling\": \"9\", \"name\": 1}"))
                .isInstanceOfSatisfying(ApiProblem.class, p -> assertThat(p.errors())
                        .extracting(ApiProblem.FieldError::field)
                        .containsExactlyInAnyOrder("default_max_cost", "max_cost_ceiling", "name"));
    }

    @Test
    void theDefaultMustStayWithinTheCeilingAndTheChangedFieldIsBlamed() {
        assertThatThrownBy(() -> patch("{\"default_max_cost\": 51}").applyTo(FIVE_AND_FIFTY))
                .isInstanceOfSatisfying(ApiProblem.class, p -> assertThat(p.errors().get(0).field())
                        .isEqualTo("default_max_cost"));
        assertThatThrownBy(() -> patch("{\"max_cost_ceiling\": 4}").applyTo(FIVE_AND_FIFTY))
                .isInstanceOfSatisfying(ApiProblem.class, p -> assertThat(p.errors().get(0).message())
                        .isEqualTo("must be at least default_max_cost (5)"));
        assertThat(patch("{\"default_max_cost\": 50}").applyTo(FIVE_AND_FIFTY).defaultMaxCost()).hasToString("50");
    }

    private static CostLimitsPatch patch(String body) {
        return CostLimitsPatch.parse(JsonBody.object(body));
    }
}
