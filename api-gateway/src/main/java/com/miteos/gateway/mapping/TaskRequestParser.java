package com.miteos.gateway.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.miteos.gateway.domain.ApiProblem;
import com.miteos.gateway.domain.ApiProblem.FieldError;
import com.miteos.model.task.Mode;
import com.miteos.model.task.SandboxConfig;
import com.miteos.model.task.SandboxOutcome;
import com.miteos.model.task.TaskConfig;

import java.math.BigDecimal;
import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validates a {@code POST /v1/tasks} body and fills in the defaults (SPEC §8). Every problem
 * is collected, so one 400 names all invalid fields at once.
 */
public final class TaskRequestParser {

    public static final int MAX_PROMPT_LENGTH = 32_000;
    static final int MAX_DEPLOY_TARGET_LENGTH = 2_048;
    private static final Pattern S3_BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern S3_PREFIX = Pattern.compile("(/[A-Za-z0-9._-]*)*");
    private static final Set<String> TOP_LEVEL = Set.of("prompt", "config");
    private static final Set<String> CONFIG = Set.of("max_agents", "autonomy_level", "auto_deploy", "deploy_target",
            "sandbox", "max_cost");
    private static final Set<String> SANDBOX = Set.of("step_delay_ms", "outcome");

    private TaskRequestParser() {
    }

    /** A valid request: the prompt and the complete config. */
    public record NewTask(String prompt, TaskConfig config) {
    }

    public static NewTask parse(JsonNode body, Mode mode) {
        List<FieldError> errors = new ArrayList<>();
        unknownFields(body, TOP_LEVEL, "", errors);
        String prompt = prompt(body.get("prompt"), errors);
        TaskConfig config = config(body.get("config"), mode, errors);
        if (!errors.isEmpty()) {
            throw ApiProblem.validation(errors);
        }
        return new NewTask(prompt, config);
    }

    private static String prompt(JsonNode node, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            errors.add(new FieldError("prompt", "is required"));
            return null;
        }
        if (!node.isTextual()) {
            errors.add(new FieldError("prompt", "must be a string"));
            return null;
        }
        String prompt = node.textValue();
        if (prompt.isBlank()) {
            errors.add(new FieldError("prompt", "must not be blank"));
        } else if (!ClientText.isStorable(prompt)) {
            errors.add(new FieldError("prompt", ClientText.NOT_STORABLE));
        } else if (prompt.codePointCount(0, prompt.length()) > MAX_PROMPT_LENGTH) {
            errors.add(new FieldError("prompt", "must be at most " + MAX_PROMPT_LENGTH + " characters"));
        }
        return prompt;
    }

    private static TaskConfig config(JsonNode node, Mode mode, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            return new TaskConfig(TaskConfig.DEFAULT_MAX_AGENTS, TaskConfig.DEFAULT_AUTONOMY_LEVEL, false, null, null);
        }
        if (!node.isObject()) {
            errors.add(new FieldError("config", "must be an object"));
            return null;
        }
        unknownFields(node, CONFIG, "config.", errors);
        int maxAgents = integer(node.get("max_agents"), "config.max_agents", TaskConfig.MIN_MAX_AGENTS,
                TaskConfig.MAX_MAX_AGENTS, TaskConfig.DEFAULT_MAX_AGENTS, errors);
        int autonomy = integer(node.get("autonomy_level"), "config.autonomy_level", 0,
                TaskConfig.MAX_AUTONOMY_LEVEL, TaskConfig.DEFAULT_AUTONOMY_LEVEL, errors);
        boolean autoDeploy = bool(node.get("auto_deploy"), "config.auto_deploy", errors);
        String target = deployTarget(node.get("deploy_target"), errors);
        if (autoDeploy && target == null && !hasError(errors, "config.deploy_target")) {
            errors.add(new FieldError("config.deploy_target", "is required when auto_deploy is true"));
        }
        SandboxConfig sandbox = sandbox(node.get("sandbox"), mode, errors);
        BigDecimal maxCost = MaxCostField.parse(node.get("max_cost"), "config.max_cost", errors);
        return new TaskConfig(maxAgents, autonomy, autoDeploy, target, sandbox, maxCost);
    }

    private static SandboxConfig sandbox(JsonNode node, Mode mode, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (mode != Mode.TEST) {
            errors.add(new FieldError("config.sandbox", "is only accepted with a sandbox (mt_test_) key"));
            return null;
        }
        if (!node.isObject()) {
            errors.add(new FieldError("config.sandbox", "must be an object"));
            return null;
        }
        unknownFields(node, SANDBOX, "config.sandbox.", errors);
        int delay = integer(node.get("step_delay_ms"), "config.sandbox.step_delay_ms", 0,
                SandboxConfig.MAX_STEP_DELAY_MS, 0, errors);
        SandboxOutcome outcome = SandboxOutcome.COMPLETE;
        JsonNode outcomeNode = node.get("outcome");
        if (outcomeNode != null && !outcomeNode.isNull()) {
            if (outcomeNode.isTextual() && ("complete".equals(outcomeNode.textValue())
                    || "fail".equals(outcomeNode.textValue()))) {
                outcome = SandboxOutcome.of(outcomeNode.textValue());
            } else {
                errors.add(new FieldError("config.sandbox.outcome", "must be \"complete\" or \"fail\""));
            }
        }
        return new SandboxConfig(delay, outcome);
    }

    private static String deployTarget(JsonNode node, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            errors.add(new FieldError("config.deploy_target", "must be a string or null"));
            return null;
        }
        String target = node.textValue();
        if (target.length() > MAX_DEPLOY_TARGET_LENGTH || !ClientText.isStorable(target) || !isDeployTarget(target)) {
            errors.add(new FieldError("config.deploy_target",
                    "must be an s3://bucket/prefix or https:// URL of at most " + MAX_DEPLOY_TARGET_LENGTH
                            + " characters"));
            return null;
        }
        return target;
    }

    private static boolean isDeployTarget(String target) {
        try {
            URI uri = new URI(target);
            String scheme = uri.getScheme();
            if (uri.getHost() == null || uri.getUserInfo() != null) {
                return false;
            }
            if ("s3".equals(scheme)) {
                // A real bucket name, and a plain prefix: no query, no fragment, no ".." segment.
                String prefix = uri.getRawPath() == null ? "" : uri.getRawPath();
                return S3_BUCKET.matcher(uri.getHost()).matches() && S3_PREFIX.matcher(prefix).matches()
                        && !List.of(prefix.split("/")).contains("..")
                        && uri.getRawQuery() == null && uri.getRawFragment() == null;
            }
            return "https".equals(scheme);
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    private static int integer(JsonNode node, String field, int min, int max, int fallback, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isIntegralNumber()) {
            errors.add(new FieldError(field, "must be an integer from " + min + " to " + max));
            return fallback;
        }
        if (!node.canConvertToInt() || node.intValue() < min || node.intValue() > max) {
            errors.add(new FieldError(field, "must be from " + min + " to " + max));
            return fallback;
        }
        return node.intValue();
    }

    private static boolean bool(JsonNode node, String field, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            return false;
        }
        if (!node.isBoolean()) {
            errors.add(new FieldError(field, "must be true or false"));
            return false;
        }
        return node.booleanValue();
    }

    private static void unknownFields(JsonNode node, Set<String> known, String path, List<FieldError> errors) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                errors.add(new FieldError(path + ClientText.echoable(name), "is not a known field"));
            }
        }
    }

    private static boolean hasError(List<FieldError> errors, String field) {
        return errors.stream().anyMatch(e -> e.field().equals(field));
    }
}
