package com.miteos.gateway.mapping;

import com.miteos.gateway.domain.ApiProblem;
import com.miteos.gateway.domain.ApiProblem.FieldError;
import com.miteos.gateway.mapping.TaskRequestParser.NewTask;
import com.miteos.model.task.Mode;
import com.miteos.model.task.SandboxConfig;
import com.miteos.model.task.SandboxOutcome;
import com.miteos.model.task.TaskConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * {@code POST /v1/tasks} bodies without the HTTP layer: what is accepted, which defaults fill
 * what was left out, and that every refusal names each invalid field with a reason.
 */
class TaskRequestParserTest {

    // --- accepted bodies ---

    @Test
    void aPromptAloneGetsEveryDefault() {
        NewTask task = parse("{\"prompt\":\"Compare databases.\"}", Mode.LIVE);

        assertThat(task.prompt()).isEqualTo("Compare databases.");
        assertThat(task.config()).isEqualTo(new TaskConfig(3, 50, false, null, null));
    }

    @Test
    void aNullConfigIsTheDefaultConfig() {
        assertThat(parse("{\"prompt\":\"x\",\"config\":null}", Mode.LIVE).config())
                .isEqualTo(new TaskConfig(3, 50, false, null, null));
    }

    @Test
    void anEmptyConfigIsFilledWithTheDefaults() {
        assertThat(parse("{\"prompt\":\"x\",\"config\":{}}", Mode.LIVE).config())
                .isEqualTo(new TaskConfig(3, 50, false, null, null));
    }

    @Test
    void everyConfigFieldIsTakenAsGiven() {
        NewTask task = parse("""
                {"prompt":"x","config":{"max_agents":7,"autonomy_level":85,"auto_deploy":true,
                 "deploy_target":"https://hooks.example.com/miteos",
                 "sandbox":{"step_delay_ms":250,"outcome":"fail"}}}""", Mode.TEST);

        assertThat(task.config()).isEqualTo(new TaskConfig(7, 85, true, "https://hooks.example.com/miteos",
                new SandboxConfig(250, SandboxOutcome.FAIL)));
    }

    @ParameterizedTest
    @CsvSource({"max_agents, 1", "max_agents, 10", "autonomy_level, 0", "autonomy_level, 100"})
    void theBoundsOfEachNumberAreAccepted(String field, int value) {
        TaskConfig config = parse("{\"prompt\":\"x\",\"config\":{\"" + field + "\":" + value + "}}", Mode.LIVE).config();

        assertThat(field.equals("max_agents") ? config.maxAgents() : config.autonomyLevel()).isEqualTo(value);
    }

    @Test
    void sandboxSettingsAreFilledInAndAcceptTheCompleteOutcome() {
        assertThat(parse("{\"prompt\":\"x\",\"config\":{\"sandbox\":{}}}", Mode.TEST).config().sandbox())
                .isEqualTo(new SandboxConfig(0, SandboxOutcome.COMPLETE));
        assertThat(parse("{\"prompt\":\"x\",\"config\":{\"sandbox\":{\"outcome\":\"complete\",\"step_delay_ms\":10000}}}",
                Mode.TEST).config().sandbox()).isEqualTo(new SandboxConfig(10_000, SandboxOutcome.COMPLETE));
        assertThat(parse("{\"prompt\":\"x\",\"config\":{\"sandbox\":null}}", Mode.LIVE).config().sandbox()).isNull();
        assertThat(parse("{\"prompt\":\"x\",\"config\":{\"sandbox\":{\"outcome\":null}}}", Mode.TEST).config()
                .sandbox().outcome()).isEqualTo(SandboxOutcome.COMPLETE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"s3://reports", "s3://reports/", "s3://my.reports-2025/team/q1_results/v1.0",
            "https://hooks.example.com/deploy?token=abc"})
    void deployTargetsMayBeAnS3PrefixOrAnHttpsUrl(String target) {
        assertThat(parse("{\"prompt\":\"x\",\"config\":{\"deploy_target\":\"" + target + "\"}}", Mode.LIVE).config()
                .deployTarget()).isEqualTo(target);
    }

    @Test
    void autoDeployFalseNeedsNoTargetAndNullMeansFalse() {
        assertThat(parse("{\"prompt\":\"x\",\"config\":{\"auto_deploy\":false}}", Mode.LIVE).config().autoDeploy())
                .isFalse();
        assertThat(parse("{\"prompt\":\"x\",\"config\":{\"auto_deploy\":null,\"deploy_target\":null}}", Mode.LIVE)
                .config()).isEqualTo(new TaskConfig(3, 50, false, null, null));
    }

    @Test
    void aPromptOfExactlyTheLimitInCodePointsIsAccepted() {
        String emoji = "\\ud83d\\ude00".repeat(TaskRequestParser.MAX_PROMPT_LENGTH);

        assertThat(parse("{\"prompt\":\"" + emoji + "\"}", Mode.LIVE).prompt())
                .hasSize(2 * TaskRequestParser.MAX_PROMPT_LENGTH);
    }

    // --- refused bodies ---

    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @CsvSource(delimiter = '|', value = {
            "{}                                                          | prompt                        | is required",
            "{\"prompt\":null}                                           | prompt                        | is required",
            "{\"prompt\":42}                                             | prompt                        | must be a string",
            "{\"prompt\":\" \\n \"}                                      | prompt                        | must not be blank",
            "{\"prompt\":\"a\\u0000b\"}                                  | prompt                        | must be valid Unicode text without NUL (U+0000) characters",
            "{\"prompt\":\"x\",\"config\":[]}                            | config                        | must be an object",
            "{\"prompt\":\"x\",\"config\":{\"max_agents\":0}}            | config.max_agents             | must be from 1 to 10",
            "{\"prompt\":\"x\",\"config\":{\"max_agents\":11}}           | config.max_agents             | must be from 1 to 10",
            "{\"prompt\":\"x\",\"config\":{\"max_agents\":4294967299}}   | config.max_agents             | must be from 1 to 10",
            "{\"prompt\":\"x\",\"config\":{\"max_agents\":\"3\"}}        | config.max_agents             | must be an integer from 1 to 10",
            "{\"prompt\":\"x\",\"config\":{\"max_agents\":2.5}}          | config.max_agents             | must be an integer from 1 to 10",
            "{\"prompt\":\"x\",\"config\":{\"autonomy_level\":-1}}       | config.autonomy_level         | must be from 0 to 100",
            "{\"prompt\":\"x\",\"config\":{\"autonomy_level\":101}}      | config.autonomy_level         | must be from 0 to 100",
            "{\"prompt\":\"x\",\"config\":{\"auto_deploy\":\"yes\"}}     | config.auto_deploy            | must be true or false",
            "{\"prompt\":\"x\",\"config\":{\"auto_deploy\":true}}        | config.deploy_target          | is required when auto_deploy is true",
            "{\"prompt\":\"x\",\"config\":{\"deploy_target\":7}}         | config.deploy_target          | must be a string or null",
            "{\"prompt\":\"x\",\"config\":{\"colour\":\"red\"}}          | config.colour                 | is not a known field",
            "{\"prompt\":\"x\",\"colour\":\"red\"}                       | colour                        | is not a known field",
            "{\"prompt\":\"x\",\"config\":{\"sandbox\":[]}}              | config.sandbox                | must be an object",
            "{\"prompt\":\"x\",\"config\":{\"sandbox\":{\"speed\":1}}}   | config.sandbox.speed          | is not a known field",
            "{\"prompt\":\"x\",\"config\":{\"sandbox\":{\"step_delay_ms\":10001}}} | config.sandbox.step_delay_ms | must be from 0 to 10000",
            "{\"prompt\":\"x\",\"config\":{\"sandbox\":{\"step_delay_ms\":-1}}}    | config.sandbox.step_delay_ms | must be from 0 to 10000",
            "{\"prompt\":\"x\",\"config\":{\"sandbox\":{\"outcome\":\"explode\"}}} | config.sandbox.outcome       | must be \"complete\" or \"fail\"",
            "{\"prompt\":\"x\",\"config\":{\"sandbox\":{\"outcome\":1}}}           | config.sandbox.outcome       | must be \"complete\" or \"fail\""})
    void eachInvalidFieldIsNamedWithWhatIsWrong(String body, String field, String message) {
        ApiProblem problem = refusal(body, Mode.TEST);

        assertThat(problem.status()).isEqualTo(400);
        assertThat(problem.type()).isEqualTo("validation-error");
        assertThat(problem.errors()).containsExactly(new FieldError(field, message));
    }

    @Test
    void aPromptOneCodePointOverTheLimitIsRefused() {
        String prompt = "a".repeat(TaskRequestParser.MAX_PROMPT_LENGTH + 1);

        assertThat(refusal("{\"prompt\":\"" + prompt + "\"}", Mode.LIVE).errors())
                .containsExactly(new FieldError("prompt", "must be at most 32000 characters"));
    }

    @Test
    void sandboxSettingsAreRefusedForLiveKeys() {
        assertThat(refusal("{\"prompt\":\"x\",\"config\":{\"sandbox\":{}}}", Mode.LIVE).errors())
                .containsExactly(new FieldError("config.sandbox", "is only accepted with a sandbox (mt_test_) key"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://files.example.com/x", "http://hooks.example.com/x", "s3://Bad_Bucket/x",
            "s3://ab/x", "s3://site/a/../b", "s3://site/..", "s3://site/a?versioning", "s3://site/a#top",
            "s3://site/a b", "https://user:pw@hooks.example.com/", "s3://user@site/x", "https:///path-only",
            "hooks.example.com/x", "https://a.example/\\u0000", "https://bad host/"})
    void deployTargetsThatAreNotAnS3PrefixOrHttpsUrlAreRefused(String target) {
        assertThat(refusal("{\"prompt\":\"x\",\"config\":{\"deploy_target\":\"" + target + "\"}}", Mode.LIVE).errors())
                .extracting(FieldError::field).containsExactly("config.deploy_target");
    }

    @Test
    void aDeployTargetLongerThanTheLimitIsRefusedAndOneAtTheLimitAccepted() {
        String base = "https://hooks.example.com/";
        String longest = base + "p".repeat(TaskRequestParser.MAX_DEPLOY_TARGET_LENGTH - base.length());

        assertThat(parse("{\"prompt\":\"x\",\"config\":{\"deploy_target\":\"" + longest + "\"}}", Mode.LIVE).config()
                .deployTarget()).isEqualTo(longest);
        assertThat(refusal("{\"prompt\":\"x\",\"config\":{\"deploy_target\":\"" + longest + "p\"}}", Mode.LIVE)
                .errors()).containsExactly(new FieldError("config.deploy_target",
                "must be an s3://bucket/prefix or https:// URL of at most 2048 characters"));
    }

    @Test
    void anInvalidTargetWithAutoDeployIsReportedOnceNotAlsoAsMissing() {
        assertThat(refusal("{\"prompt\":\"x\",\"config\":{\"auto_deploy\":true,\"deploy_target\":\"ftp://x\"}}",
                Mode.LIVE).errors()).extracting(FieldError::field).containsExactly("config.deploy_target");
    }

    @Test
    void aMissingTargetIsReportedAlongsideOtherInvalidFields() {
        assertThat(refusal("{\"prompt\":\"x\",\"config\":{\"max_agents\":0,\"auto_deploy\":true}}", Mode.LIVE).errors())
                .extracting(FieldError::field).containsExactly("config.max_agents", "config.deploy_target");
    }

    @Test
    void everyInvalidFieldIsReportedInOneAnswer() {
        ApiProblem problem = refusal("""
                {"prompt":"","extra":1,"config":{"max_agents":0,"autonomy_level":"high","auto_deploy":1,
                 "sandbox":{"step_delay_ms":"slow","outcome":"explode"}}}""", Mode.TEST);

        assertThat(problem.errors()).extracting(FieldError::field).containsExactlyInAnyOrder("extra", "prompt",
                "config.max_agents", "config.autonomy_level", "config.auto_deploy", "config.sandbox.step_delay_ms",
                "config.sandbox.outcome");
        assertThat(problem.detail()).isEqualTo("7 fields are invalid; see errors.");
    }

    @Test
    void unknownFieldNamesAreEchoedShortAndPrintable() {
        assertThat(refusal("{\"prompt\":\"x\",\"config\":{\"bad\\u0007" + "n".repeat(100) + "\":1}}", Mode.LIVE)
                .errors().get(0).field()).isEqualTo("config.bad" + "n".repeat(61) + "…");
    }

    private static NewTask parse(String body, Mode mode) {
        return TaskRequestParser.parse(JsonBody.object(body), mode);
    }

    private static ApiProblem refusal(String body, Mode mode) {
        ApiProblem problem = catchThrowableOfType(ApiProblem.class, () -> parse(body, mode));
        assertThat(problem).as("refused: %s", body).isNotNull();
        return problem;
    }
}
