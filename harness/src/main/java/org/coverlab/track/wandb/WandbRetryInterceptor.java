package org.coverlab.track.wandb;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.SplittableRandom;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;
import org.coverlab.track.Backoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries W&B requests the way the SDK does: exponential backoff (2 s doubling, 0-25 % jitter, at most 60 s) on
 * connection errors and on the statuses the request's {@link RetryPolicy} allows, waiting at least what the server
 * asks for in {@code Retry-After} (seconds or an HTTP date) or, when it is out of quota, {@code RateLimit-Reset}.
 *
 * <p>It gives up after {@code maxRetries} and hands back the last response (or rethrows the last connection error);
 * it also hands back at once a response whose requested wait exceeds {@code maxWaitMillis}. In both cases the
 * journal sender takes over with its own, longer backoff, so the interceptor never holds a send for minutes.
 */
public final class WandbRetryInterceptor implements Interceptor {

    private static final Logger LOG = LoggerFactory.getLogger(WandbRetryInterceptor.class);

    private final Backoff backoff;
    private final int maxRetries;
    private final long maxWaitMillis;
    private final Clock clock;
    private final SplittableRandom random = new SplittableRandom();
    /** How often a wait before a retry looks whether its call was cancelled. */
    private static final long CANCEL_POLL_MILLIS = 50;

    public WandbRetryInterceptor(Backoff backoff, int maxRetries, long maxWaitMillis, Clock clock) {
        this.backoff = backoff;
        this.maxRetries = maxRetries;
        this.maxWaitMillis = maxWaitMillis;
        this.clock = clock;
    }

    /** SDK policy: 2 s to 60 s; five retries (about 30 s of waiting) before the sender takes over. */
    public static WandbRetryInterceptor sdkDefaults() {
        return new WandbRetryInterceptor(Backoff.WANDB, 5, 60_000, Clock.systemUTC());
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Request request = chain.request();
        RetryPolicy policy = request.tag(RetryPolicy.class) != null ? request.tag(RetryPolicy.class) : RetryPolicy.API;
        for (int attempt = 0; ; attempt++) {
            Response response;
            try {
                response = chain.proceed(request);
            } catch (IOException e) {
                if (attempt >= maxRetries || policy == RetryPolicy.NONE || e instanceof InterruptedIOException
                        || isMissingLocalFile(e) || chain.call().isCanceled()) {
                    throw e;
                }
                long delay = backoff.delayMillis(attempt, random);
                LOG.debug("{} {}: {}; retry {} in {} ms", request.method(), request.url().encodedPath(),
                        e.getClass().getSimpleName(), attempt + 1, delay);
                sleep(delay, chain);
                continue;
            }
            if (!policy.retries(response.code()) || attempt >= maxRetries) {
                return response;
            }
            long serverWait = serverRequestedWaitMillis(response, clock);
            if (serverWait > maxWaitMillis) {
                return response; // the caller schedules the retry; no point holding a thread for that long
            }
            long delay = backoff.delayMillis(attempt, serverWait, random);
            LOG.debug("{} {}: HTTP {}; retry {} in {} ms", request.method(), request.url().encodedPath(),
                    response.code(), attempt + 1, delay);
            response.close();
            sleep(delay, chain);
        }
    }

    /**
     * The wait a response asks for: {@code Retry-After} in seconds or as an HTTP date, else {@code RateLimit-Reset}
     * seconds when {@code RateLimit-Remaining} is 0; 0 when it asks for nothing.
     */
    public static long serverRequestedWaitMillis(Response response, Clock clock) {
        String retryAfter = response.header("Retry-After");
        if (retryAfter != null && !retryAfter.isBlank()) {
            String value = retryAfter.strip();
            try {
                return Math.max(0, Math.round(Double.parseDouble(value) * 1000));
            } catch (NumberFormatException notSeconds) {
                try {
                    ZonedDateTime at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
                    return Math.max(0, at.toInstant().toEpochMilli() - clock.millis());
                } catch (DateTimeParseException notADate) {
                    return 0;
                }
            }
        }
        String remaining = response.header("RateLimit-Remaining");
        String reset = response.header("RateLimit-Reset");
        if (remaining != null && reset != null && remaining.strip().equals("0")) {
            try {
                return Math.max(0, Math.round(Double.parseDouble(reset.strip()) * 1000));
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return 0;
    }

    /**
     * An upload whose local file is gone (a checkpoint pruned by train.keep_last while it was being sent): no retry
     * can bring it back, so the sink hears of it at once instead of after minutes of backoff.
     */
    private static boolean isMissingLocalFile(IOException e) {
        return e instanceof FileNotFoundException || e instanceof NoSuchFileException;
    }

    /** Waits before a retry, ending early when the call is cancelled (a stop cancels calls; it never interrupts). */
    private static void sleep(long millis, Chain chain) throws IOException {
        long until = System.nanoTime() + millis * 1_000_000L;
        try {
            for (long left = millis; left > 0; left = (until - System.nanoTime()) / 1_000_000L) {
                if (chain.call().isCanceled()) {
                    throw new IOException("Canceled");
                }
                Thread.sleep(Math.min(left, CANCEL_POLL_MILLIS));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to retry a W&B request");
        }
    }
}
