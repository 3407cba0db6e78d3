package com.miteos.orchestrator.domain.run;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Where the autonomy levels of the README draw their lines: 30 for the plan, 70 for side effects. */
class AutonomyPolicyTest {

    @ParameterizedTest(name = "autonomy {0}: plan waits {1}, deploy waits {2}")
    @CsvSource({
            "0,   true,  true",
            "29,  true,  true",
            "30,  false, true",
            "69,  false, true",
            "70,  false, false",
            "100, false, false"})
    void whatWaitsForApprovalAtEachLevel(int level, boolean planWaits, boolean sideEffectsWait) {
        assertThat(AutonomyPolicy.planNeedsApproval(level)).isEqualTo(planWaits);
        assertThat(AutonomyPolicy.sideEffectsNeedApproval(level)).isEqualTo(sideEffectsWait);
    }
}
