package com.miteos.gateway.domain;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which budget cap a new task gets from its own config and its account's limits, and the ceiling's refusal. */
class CostLimitsTest {

    private static final BigDecimal ONE = BigDecimal.ONE;
    private static final BigDecimal FIVE = new BigDecimal("5");
    private static final BigDecimal FIFTY = new BigDecimal("50");

    @Test
    void aTasksOwnCapWinsWithinTheCeiling() {
        assertThat(new CostLimits(FIVE, FIFTY).capOfNewTask(ONE)).isEqualTo(ONE);
        assertThat(new CostLimits(FIVE, FIFTY).capOfNewTask(FIFTY)).isEqualTo(FIFTY);
        assertThat(CostLimits.NONE.capOfNewTask(FIFTY)).isEqualTo(FIFTY);
    }

    @Test
    void withoutItsOwnCapATaskGetsTheDefaultElseTheCeilingElseNone() {
        assertThat(new CostLimits(FIVE, FIFTY).capOfNewTask(null)).isEqualTo(FIVE);
        assertThat(new CostLimits(FIVE, null).capOfNewTask(null)).isEqualTo(FIVE);
        assertThat(new CostLimits(null, FIFTY).capOfNewTask(null)).isEqualTo(FIFTY);
        assertThat(CostLimits.NONE.capOfNewTask(null)).isNull();
        assertThat(new CostLimits(FIFTY, FIVE).capOfNewTask(null)).as("a default above the ceiling").isEqualTo(FIVE);
    }

    @Test
    void aCapAboveTheCeilingIsA422NamingTheFieldAndTheCeiling() {
        assertThatThrownBy(() -> new CostLimits(null, FIFTY).capOfNewTask(new BigDecimal("50.01")))
                .isInstanceOfSatisfying(ApiProblem.class, p -> {
                    assertThat(p.status()).isEqualTo(422);
                    assertThat(p.type()).isEqualTo("max-cost-above-ceiling");
                    assertThat(p.errors()).containsExactly(new ApiProblem.FieldError("config.max_cost",
                            "must be at most 50, this account's max_cost_ceiling"));
                });
        assertThatThrownBy(() -> new CostLimits(null, FIFTY).withinCeiling(new BigDecimal("51"), "max_cost"))
                .isInstanceOfSatisfying(ApiProblem.class, p -> assertThat(p.errors().get(0).field()).isEqualTo("max_cost"));
        assertThat(new CostLimits(null, FIFTY).withinCeiling(null, "max_cost")).isNull();
    }
}
