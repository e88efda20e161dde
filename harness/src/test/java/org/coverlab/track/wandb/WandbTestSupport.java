package org.coverlab.track.wandb;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.coverlab.spec.TrackingSpec;
import org.coverlab.track.Backoff;
import org.coverlab.run.JournalEntry;
import org.coverlab.run.RunEvent;

/** Builders shared by the W&B tests: settings against a fake server, fast retries, events and tiny PNGs. */
final class WandbTestSupport {

    static final String KEY = "fakekey0123456789abcdef0123456789abcdef01";
    static final long T0 = 1_700_000_000_000L;

    private WandbTestSupport() {}

    static TrackingSpec tracking(TrackingSpec.Resume resume) {
        return new TrackingSpec(List.of(TrackingSpec.Backend.LOCAL, TrackingSpec.Backend.WANDB), "covers", "lab", "",
                resume, 5, true);
    }

    static Map<String, String> env(FakeWandbServer server) {
        Map<String, String> env = new HashMap<>();
        env.put("WANDB_API_KEY", KEY);
        env.put("WANDB_BASE_URL", server.baseUrl());
        return env;
    }

    static WandbSettings settings(FakeWandbServer server, TrackingSpec.Resume resume, Path home) {
        return WandbSettings.resolve(tracking(resume), env(server), home);
    }

    /** SDK retry classification with millisecond delays. */
    static WandbRetryInterceptor fastRetries() {
        return new WandbRetryInterceptor(Backoff.WANDB.withBase(Duration.ofMillis(5)), 5, 5_000, Clock.systemUTC());
    }

    static WandbSink sink(WandbSettings settings) {
        return new WandbSink(settings, WandbSink.httpClient(fastRetries()), Duration.ofMinutes(5),
                FileStreamRequests.DEFAULT_MAX_BYTES, Clock.systemUTC());
    }

    static JournalEntry entry(long seq, RunEvent event) {
        return new JournalEntry(seq, event);
    }

    static RunEvent.Metrics metrics(long step, double loss) {
        return new RunEvent.Metrics(T0 + step * 1000, step, Map.of("loss", loss));
    }

    static RunEvent.Started started(boolean resumed, long at) {
        return new RunEvent.Started(at, "abcd1234", "te-8ep", Map.of("train.lr", 1e-4, "train.epochs", 8), resumed);
    }

    /** A valid w x h grey PNG. */
    static Path png(Path file, int w, int h) throws IOException {
        Files.createDirectories(file.getParent());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        chunk(out, "IHDR", new byte[] {0, 0, 0, (byte) w, 0, 0, 0, (byte) h, 8, 0, 0, 0, 0});
        byte[] raw = new byte[h * (w + 1)];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = (byte) (i % (w + 1) == 0 ? 0 : 128);
        }
        Deflater deflater = new Deflater();
        deflater.setInput(raw);
        deflater.finish();
        byte[] buf = new byte[1024];
        int n = deflater.deflate(buf);
        chunk(out, "IDAT", java.util.Arrays.copyOf(buf, n));
        chunk(out, "IEND", new byte[0]);
        Files.write(file, out.toByteArray());
        return file;
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        out.write(java.nio.ByteBuffer.allocate(4).putInt(data.length).array());
        byte[] typeBytes = type.getBytes();
        out.write(typeBytes);
        out.write(data);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.write(java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /** An output.log line without the SDK-style time prefix ("2026-01-01T00:00:00.000000 "). */
    static String untimed(String line) {
        if (!line.matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{6} .*")) {
            throw new AssertionError("output.log line without a time prefix: " + line);
        }
        return line.substring(27);
    }

    static List<String> untimed(List<String> lines) {
        return lines.stream().map(WandbTestSupport::untimed).toList();
    }
}
