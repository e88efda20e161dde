package org.coverlab.track.wandb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fake server's state is read by the test thread while the server thread appends to it (an end-to-end test polls
 * the history while the sink still streams). With plain lists this threw ConcurrentModificationException on CI.
 */
class FakeWandbServerConcurrencyTest {

    static final int ROWS = 400;

    FakeWandbServer server;

    @BeforeEach
    void start() throws Exception {
        server = new FakeWandbServer(WandbTestSupport.KEY);
    }

    @AfterEach
    void stop() {
        server.shutdown();
    }

    @Test
    void readingHistoryWhileTheServerAppendsSeesConsistentSnapshots() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        String auth = "Basic " + Base64.getEncoder().encodeToString(("api:" + WandbTestSupport.KEY).getBytes());
        URI stream = URI.create(server.baseUrl() + "files/lab/covers/race/file_stream");
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                for (int step = 1; step <= ROWS; step++) {
                    String line = "{\\\"_step\\\":" + step + ",\\\"loss\\\":0.5}";
                    String body = "{\"files\":{\"wandb-history.jsonl\":{\"offset\":" + (step - 1)
                            + ",\"content\":[\"" + line + "\"]},\"output.log\":{\"offset\":" + (step - 1)
                            + ",\"content\":[\"line " + step + "\"]}}}";
                    HttpResponse<String> r = client.send(HttpRequest.newBuilder(stream).header("Authorization", auth)
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() != 200) {
                        throw new AssertionError("file_stream answered " + r.statusCode() + ": " + r.body());
                    }
                }
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });

        int reads = 0;
        while (!writer.isDone() || reads == 0) {
            FakeWandbServer.Run run = server.existing("lab/covers/race");
            if (run != null) {
                // Each read is a prefix 1..n of the steps: never a torn list, never an exception.
                List<Long> steps = run.historySteps();
                assertEquals(LongStream.rangeClosed(1, steps.size()).boxed().toList(), steps);
                List<String> output = new ArrayList<>(run.output);
                assertTrue(output.size() <= ROWS);
                reads++;
            }
        }
        writer.get(30, TimeUnit.SECONDS);
        assertEquals(LongStream.rangeClosed(1, ROWS).boxed().toList(), server.existing("lab/covers/race").historySteps());
        assertTrue(reads > 1, "the reader overlapped the writer " + reads + " times");
    }
}
