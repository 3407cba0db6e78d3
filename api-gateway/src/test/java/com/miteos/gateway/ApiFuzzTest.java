package com.miteos.gateway;

import com.miteos.gateway.FuzzClient.Answer;
import com.miteos.gateway.FuzzCorpus.FuzzRequest;
import com.miteos.gateway.WellFormedRequest.Kind;
import com.miteos.gateway.client.TaskReadModel;
import com.miteos.gateway.domain.Caller;
import com.miteos.model.task.TaskStatus;
import com.miteos.model.view.TaskPage;
import io.quarkus.test.InjectMock;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.when;

/**
 * Fuzzes the whole public API with a generated corpus ({@link FuzzCorpus}) of more than ten
 * thousand hostile requests and proves that the server never hangs (every request is answered or
 * its connection closed within {@link FuzzClient#TIMEOUT}), never drops the connection of a
 * well-formed request ({@link WellFormedRequest}: valid HTTP/1.1 within the size limits; a
 * malformed or oversized one may be dropped), and that no answer is a server error (status 500
 * or above) or shows internals (a stack frame, an exception or class name). Kafka is in memory,
 * the read models are mocked and deliverable-service is a stub, so any 5xx is the gateway's own
 * fault; the rate limit and the active-task cap are off so that they do not hide what is behind
 * them (the mocked read model never shows the thousand or so tasks the fuzzer creates, so the cap
 * would refuse every creation after the hundredth).
 *
 * <p>The corpus is the same on every run; {@code -Dmiteos.fuzz.seed=<n>} explores another one.
 */
@QuarkusTest
@TestProfile(PinnedDefaults.Unlimited.class)
class ApiFuzzTest {

    static final long DEFAULT_SEED = 20_260_501L;
    static final int MIN_REQUESTS = 10_000;
    private static final int CONCURRENCY = 4;

    @Inject
    @Any
    InMemoryConnector connector;

    @InjectMock
    TaskReadModel readModel;

    @TestHTTPResource("/")
    URI gateway;

    @BeforeEach
    void readModelsKnowNothingYet() {
        when(readModel.find(any(Caller.class), anyString(), any(Duration.class))).thenReturn(Uni.createFrom().nullItem());
        when(readModel.list(any(Caller.class), any(), anyInt(), anyInt())).thenAnswer(call ->
                Uni.createFrom().item(new TaskPage(List.of(), 0, call.getArgument(2), call.getArgument(3))));
        when(readModel.deliverables(any(Caller.class), anyString())).thenReturn(Uni.createFrom().item(List.of()));
    }

    @AfterEach
    void forgetPublishedCommands() {
        List.of("task-created", "task-cancel", "task-control").forEach(channel -> connector.sink(channel).clear());
    }

    @Test
    void noInputMakesTheApiFailOrShowItsInternals() throws Exception {
        String account = ApiTestSupport.newAccount();
        String testToken = ApiTestSupport.newToken(account, "test");
        String liveToken = ApiTestSupport.newToken(account, "live");
        List<String> ownTasks = IntStream.range(0, 5).mapToObj(i -> given().auth().oauth2(testToken)
                .contentType(ContentType.JSON).body("{\"prompt\":\"fuzz target " + i + "\"}")
                .post("/v1/tasks").then().statusCode(201).extract().<String>path("id")).toList();
        long seed = Long.getLong("miteos.fuzz.seed", DEFAULT_SEED);
        FuzzCorpus corpus = new FuzzCorpus(seed, testToken, liveToken, ownTasks);
        List<FuzzRequest> requests = corpus.build();
        assertThat(requests).hasSizeGreaterThanOrEqualTo(MIN_REQUESTS);

        long start = System.nanoTime();
        List<Answer> answers = sendAll(new FuzzClient(gateway), requests);
        double seconds = (System.nanoTime() - start) / 1e9;

        Map<String, Integer> byClass = new TreeMap<>();
        Map<Kind, Integer> byVerdict = new EnumMap<>(Kind.class);
        List<String> failures = new ArrayList<>();
        List<String> hangs = new ArrayList<>();
        List<String> droppedWellFormed = new ArrayList<>();
        List<String> droppedOther = new ArrayList<>();
        List<String> retried = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            Answer answer = answers.get(i);
            String request = requests.get(i).describe();
            byClass.merge(statusClass(answer.status()), 1, Integer::sum);
            byVerdict.merge(answer.verdict().kind(), 1, Integer::sum);
            if (answer.retried()) {
                retried.add(request);
            }
            if (answer.status() < 0) {
                hangs.add(request);
            } else if (answer.status() == 0 && answer.verdict().kind() == Kind.WELL_FORMED) {
                droppedWellFormed.add(request + "\n    -> " + answer.body());
            } else if (answer.status() == 0) {
                droppedOther.add(answer.verdict().kind() + " (" + answer.verdict().reason() + ") " + request);
            } else if (answer.status() >= 500) {
                failures.add(answer.status() + " for " + request + "\n    -> " + answer.body());
            } else if (FuzzCorpus.LEAK.matcher(answer.body()).find()) {
                failures.add("internals in the answer to " + request + "\n    -> " + answer.body());
            }
        }
        long raw = requests.stream().filter(r -> r.raw() != null).count();
        System.out.printf("fuzz (seed %d): sent %d requests (%d as raw bytes; well-formed %d, malformed %d, over a"
                        + " limit %d) in %.1f s: %s; 5xx %d; answers showing internals %d; hung %d; well-formed ones"
                        + " dropped %d, others dropped %d; answered on a new connection after a kept-alive one"
                        + " was found closed %d; corpus values dropped as leak look-alikes %d%n",
                seed, requests.size(), raw, byVerdict.getOrDefault(Kind.WELL_FORMED, 0),
                byVerdict.getOrDefault(Kind.MALFORMED, 0), byVerdict.getOrDefault(Kind.OVER_LIMIT, 0), seconds, byClass,
                byClass.getOrDefault("5xx", 0), failures.size() - byClass.getOrDefault("5xx", 0), hangs.size(),
                droppedWellFormed.size(), droppedOther.size(), retried.size(), corpus.droppedAsLeakLookalike());
        // A server may drop the connection of a request that is not well-formed or over a limit: listed, not failed.
        droppedOther.stream().limit(10).forEach(request -> System.out.println("  closed without answer: " + request));
        retried.stream().limit(10).forEach(request -> System.out.println("  answered on a new connection: " + request));

        String replay = " (replay with -Dmiteos.fuzz.seed=" + seed + ")";
        assertThat(hangs).as("requests with neither an answer nor a closed connection within "
                + FuzzClient.TIMEOUT + replay).isEmpty();
        assertThat(droppedWellFormed).as("well-formed requests whose connection was closed without an answer"
                + replay).isEmpty();
        assertThat(failures).as("answers that are server errors or show internals" + replay).isEmpty();
        assertThat(byClass.getOrDefault("4xx", 0)).as("most hostile requests are refused").isGreaterThan(
                requests.size() / 2);
        // The rule for dropped connections only means something if it covers most of the corpus.
        assertThat(byVerdict.getOrDefault(Kind.WELL_FORMED, 0)).as("well-formed requests").isGreaterThan(
                requests.size() * 9 / 10);
        given().auth().oauth2(testToken).contentType(ContentType.JSON).body("{\"prompt\":\"still fine\"}")
                .post("/v1/tasks").then().statusCode(201);
    }

    private static List<Answer> sendAll(FuzzClient client, List<FuzzRequest> requests) throws Exception {
        ExecutorService senders = Executors.newFixedThreadPool(CONCURRENCY);
        try {
            List<Future<Answer>> pending = requests.stream().map(r -> senders.submit(() -> client.send(r))).toList();
            List<Answer> answers = new ArrayList<>(pending.size());
            for (Future<Answer> answer : pending) {
                answers.add(answer.get());
            }
            return answers;
        } finally {
            senders.shutdownNow();
        }
    }

    private static String statusClass(int status) {
        return status == 0 ? "closed without answer" : status < 0 ? "hung" : status / 100 + "xx";
    }
}
