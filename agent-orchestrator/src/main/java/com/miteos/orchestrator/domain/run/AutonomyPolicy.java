package com.miteos.orchestrator.domain.run;

/**
 * What {@code autonomy_level} (0–100) lets agents do without asking a human.
 *
 * <ul>
 *   <li>below 30: the plan waits for approval before any agent starts;</li>
 *   <li>below 70: side effects outside the task (deploying its deliverables) wait for approval;</li>
 *   <li>70 and above: nothing waits.</li>
 * </ul>
 * Approving is {@code POST /v1/tasks/{id}/resume}; a waiting task is {@code paused} with
 * {@code status_detail.reason = "awaiting_approval"} and the action it waits for.
 */
public final class AutonomyPolicy {

    public static final int PLAN_APPROVAL_BELOW = 30;
    public static final int SIDE_EFFECT_APPROVAL_BELOW = 70;

    private AutonomyPolicy() {
    }

    public static boolean planNeedsApproval(int autonomyLevel) {
        return autonomyLevel < PLAN_APPROVAL_BELOW;
    }

    public static boolean sideEffectsNeedApproval(int autonomyLevel) {
        return autonomyLevel < SIDE_EFFECT_APPROVAL_BELOW;
    }
}
