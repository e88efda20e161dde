package org.coverlab.track.wandb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.SocketEffect;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.coverlab.track.Backoff;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The SDK's retry classification and waits, against a scripted server. */
class WandbRetryInterceptorTest {

    MockWebServer server;
    OkHttpClient client;

    @BeforeEach
    void start() throws IOException {
        server = new MockWebServer();
        server.start();
        client = WandbSink.httpClient(new WandbRetryInterceptor(Backoff.WANDB.withBase(Duration.ofMillis(2)), 4, 5_000,
                Clock.systemUTC()));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Response call(RetryPolicy policy) throws IOException {
        Request request = new Request.Builder().url(server.url("/graphql"))
                .post(RequestBody.create("{}", MediaType.get("application/json")))
                .tag(RetryPolicy.class, policy).build();
        return client.newCall(request).execute();
    }

    private static MockResponse status(int code) {
        return new MockResponse.Builder().code(code).body("x").build();
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 403, 404, 409, 410, 413, 422, 501})
    void neverRetriesStatusesThatCannotSucceed(int code) throws IOException {
        server.enqueue(status(code));
        server.enqueue(status(200));
        try (Response response = call(RetryPolicy.API)) {
            assertEquals(code, response.code());
        }
        assertEquals(1, server.getRequestCount());
    }

    @ParameterizedTest
    @ValueSource(ints = {418, 429, 500, 502, 503, 504})
    void retriesOtherClientAndServerErrors(int code) throws IOException {
        server.enqueue(status(code));
        server.enqueue(status(code));
        server.enqueue(status(200));
        try (Response response = call(RetryPolicy.API)) {
            assertEquals(200, response.code());
        }
        assertEquals(3, server.getRequestCount());
    }

    /** A stop cancels the call while it waits to retry (the SDK's first wait is 2 s, growing to 60 s): it ends at once. */
    @Test
    void aCallCancelledWhileWaitingToRetryEndsAtOnce() throws Exception {
        OkHttpClient slowRetries = WandbSink.httpClient(new WandbRetryInterceptor(Backoff.WANDB.withBase(Duration.ofSeconds(30)),
                4, 60_000, Clock.systemUTC()));
        server.enqueue(status(500));
        server.enqueue(status(200));
        okhttp3.Call call = slowRetries.newCall(new Request.Builder().url(server.url("/graphql"))
                .post(RequestBody.create("{}", MediaType.get("application/json"))).tag(RetryPolicy.class, RetryPolicy.API).build());
        java.util.concurrent.CompletableFuture<Throwable> ended = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try (Response ignored = call.execute()) {
                return null;
            } catch (IOException e) {
                return e;
            }
        });
        server.takeRequest(); // the first attempt got its 500: the interceptor now waits about 30 s to retry
        Thread.sleep(200);
        long cancelledAt = System.nanoTime();
        call.cancel();
        Throwable e = ended.get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(System.nanoTime() - cancelledAt < 2_000_000_000L, "the wait ended at the cancel");
        assertTrue(e instanceof IOException, String.valueOf(e));
        assertEquals(1, server.getRequestCount(), "no retry after the cancel");
    }

    @Test
    void upsertBucketRetriesAConflict() throws IOException {
        server.enqueue(status(409));
        server.enqueue(status(200));
        try (Response response = call(RetryPolicy.UPSERT)) {
            assertEquals(200, response.code());
        }
        assertEquals(2, server.getRequestCount());
    }

    @Test
    void uploadsRetryOnlyRateLimitsAndServerErrors() throws IOException {
        server.enqueue(status(503));
        server.enqueue(status(429));
        server.enqueue(status(200));
        try (Response response = call(RetryPolicy.UPLOAD)) {
            assertEquals(200, response.code());
        }
        server.enqueue(status(418));
        try (Response response = call(RetryPolicy.UPLOAD)) {
            assertEquals(418, response.code(), "other 4xx are final for a signed URL");
        }
        assertEquals(4, server.getRequestCount());
    }

    @Test
    void retryAfterSecondsIsWaitedFor() throws IOException {
        server.enqueue(new MockResponse.Builder().code(429).addHeader("Retry-After", "1").build());
        server.enqueue(status(200));
        long start = System.nanoTime();
        try (Response response = call(RetryPolicy.API)) {
            assertEquals(200, response.code());
        }
        assertTrue(System.nanoTime() - start >= 950_000_000L, "waited at least the requested second");
    }

    @Test
    void retryAfterHttpDateIsRead() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.ofInstant(now.plusSeconds(7), ZoneOffset.UTC));
        Response response = new Response.Builder().request(new Request.Builder().url("http://x/").build())
                .protocol(okhttp3.Protocol.HTTP_1_1).code(503).message("busy").header("Retry-After", date).build();
        assertEquals(7_000, WandbRetryInterceptor.serverRequestedWaitMillis(response, Clock.fixed(now, ZoneOffset.UTC)));
    }

    @Test
    void exhaustedRateLimitWaitsForTheReset() {
        Response response = new Response.Builder().request(new Request.Builder().url("http://x/").build())
                .protocol(okhttp3.Protocol.HTTP_1_1).code(429).message("slow down")
                .header("RateLimit-Remaining", "0").header("RateLimit-Reset", "3").build();
        assertEquals(3_000, WandbRetryInterceptor.serverRequestedWaitMillis(response, Clock.systemUTC()));
    }

    @Test
    void aWaitLongerThanItsPatienceIsLeftToTheSender() throws IOException {
        server.enqueue(new MockResponse.Builder().code(429).addHeader("Retry-After", "120").build());
        long start = System.nanoTime();
        try (Response response = call(RetryPolicy.API)) {
            assertEquals(429, response.code());
        }
        assertTrue(System.nanoTime() - start < 5_000_000_000L);
        assertEquals(1, server.getRequestCount());
    }

    @Test
    void droppedConnectionsAreRetried() throws IOException {
        server.enqueue(new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build());
        server.enqueue(new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build());
        server.enqueue(status(200));
        try (Response response = call(RetryPolicy.API)) {
            assertEquals(200, response.code());
        }
    }

    @Test
    void givesUpAfterItsRetriesWithTheLastAnswer() throws IOException {
        for (int i = 0; i < 6; i++) {
            server.enqueue(status(503));
        }
        try (Response response = call(RetryPolicy.API)) {
            assertEquals(503, response.code());
        }
        assertEquals(5, server.getRequestCount(), "one try and four retries");
    }

    @Test
    void givesUpOnAPersistentConnectionFailureWithTheError() {
        for (int i = 0; i < 12; i++) {
            server.enqueue(new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build());
        }
        assertThrows(IOException.class, () -> call(RetryPolicy.API).close());
    }

    @Test
    void backoffDoublesFromItsBaseWithUpToAQuarterJitterAndACap() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(1);
        for (int attempt = 0; attempt < 8; attempt++) {
            long delay = Backoff.WANDB.delayMillis(attempt, random);
            long base = Math.min(2_000L << attempt, 60_000L);
            assertTrue(delay >= base && delay <= Math.min(base * 1.25, 60_000), "attempt " + attempt + ": " + delay);
        }
        assertEquals(60_000, Backoff.WANDB.delayMillis(20, random));
        assertEquals(9_000, Backoff.WANDB.delayMillis(0, 9_000, new java.util.SplittableRandom(2)), "Retry-After wins when longer");
    }

    @Test
    void heartbeatsAreNeverRetried() throws IOException {
        server.enqueue(status(503));
        try (Response response = call(RetryPolicy.NONE)) {
            assertEquals(503, response.code());
        }
        assertEquals(1, server.getRequestCount());
    }

    @Test
    void aLocalFileThatVanishedBeforeItsUploadIsNotRetried(@TempDir Path dir) {
        // A checkpoint pruned by train.keep_last while the sender uploads it: no retry can bring it back, and five
        // SDK-paced retries (2 s to 60 s) would hold up every later journal entry past the run's flush timeout.
        OkHttpClient sdkPaced = WandbSink.httpClient(new WandbRetryInterceptor(Backoff.WANDB, 5, 60_000, Clock.systemUTC()));
        Request upload = new Request.Builder().url(server.url("/upload/ckpt"))
                .put(RequestBody.create(dir.resolve("pruned.safetensors").toFile(), MediaType.get("application/octet-stream")))
                .tag(RetryPolicy.class, RetryPolicy.UPLOAD).build();
        long start = System.nanoTime();
        IOException e = assertThrows(IOException.class, () -> sdkPaced.newCall(upload).execute().close());
        assertTrue(e instanceof FileNotFoundException || e instanceof NoSuchFileException, e.toString());
        assertTrue(System.nanoTime() - start < 1_000_000_000L, "failed at once, not after backoff");
    }
}
