package org.coverlab.report;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.coverlab.run.ActiveRun;
import org.coverlab.run.Journal;
import org.coverlab.run.RunDir;
import org.coverlab.run.RunId;
import org.coverlab.run.RunInfo;
import org.coverlab.run.RunJson;
import org.coverlab.run.RunStatus;
import org.coverlab.run.RunStore;
import org.coverlab.run.RunEvent;

/**
 * Synthetic run folders in the exact formats the stages write, made through the real run store and journal API: a
 * Started event with the flattened spec, per-step training metrics with the contract's names, Summary events, grids
 * ({@code samples/<label>/grid.json} + PNGs, journaled as images) and evaluation points ({@code eval/<label>/
 * evaluation.json} + the metrics journaled at the point's step). Lets the report be tested on evaluation metrics before
 * the evaluate stage exists.
 */
final class RunFolderFixture {

    static final List<String> PROMPTS = List.of("A book cover of Moby-Dick", "A book cover of Frankenstein");
    static final List<Long> SEEDS = List.of(42L, 43L);

    private final RunStore store;
    private final long t0 = Instant.parse("2026-11-30T10:00:00Z").toEpochMilli();

    RunFolderFixture(Path runsDir) {
        this.store = new RunStore(runsDir, new RunId(), Clock.fixed(Instant.parse("2026-11-30T10:00:00Z"), ZoneOffset.UTC));
    }

    /** A run being built: add events and files, then {@link #finish} or {@link #leaveRunning}. */
    final class Run implements AutoCloseable {
        final ActiveRun active;
        final Journal journal;
        final Map<String, Object> config;
        long time = t0;

        Run(ActiveRun active, Map<String, Object> config) throws IOException {
            this.active = active;
            this.journal = Journal.open(active.dir().journal());
            this.config = config;
            journal.append(new RunEvent.Started(time, active.dir().id(), String.valueOf(config.get("name")), config, false));
        }

        RunDir dir() {
            return active.dir();
        }

        String id() {
            return active.dir().id();
        }

        /** {@code steps} optimizer updates of training metrics, {@code stepsPerEpoch} per epoch, loss falling from start. */
        Run train(int steps, int stepsPerEpoch, double start, double lr) throws IOException {
            for (int s = 1; s <= steps; s++) {
                time += 500;
                Map<String, Double> m = new TreeMap<>();
                m.put("loss", start * Math.exp(-s / 20.0) + 0.05 * Math.sin(s));
                m.put("loss_ema", start * Math.exp(-s / 20.0));
                m.put("lr", lr);
                m.put("grad_norm", 1.0 / s);
                m.put("examples_per_s", 8.0);
                m.put("rss_mb", 900.0 + s);
                m.put("epoch", s / (double) stepsPerEpoch);
                journal.append(new RunEvent.Metrics(time, s, m));
            }
            return this;
        }

        Run summary(Map<String, Object> values) throws IOException {
            journal.append(new RunEvent.Summary(time, values));
            return this;
        }

        /** A grid of PROMPTS x SEEDS at a step, in the sample stage's grid.json format, journaled as an image. */
        Run grid(String label, long step, List<String> prompts) throws IOException {
            Path dir = dir().samples().resolve(label);
            Files.createDirectories(dir);
            List<List<String>> files = new ArrayList<>();
            for (int r = 0; r < prompts.size(); r++) {
                List<String> row = new ArrayList<>();
                for (long seed : SEEDS) {
                    String name = String.format("p%03d-s%d.png", r, seed);
                    png(dir.resolve(name), new Color((int) (step * 37 + r * 80) % 256, (int) (seed * 3) % 256, 120));
                    row.add(name);
                }
                files.add(row);
            }
            png(dir.resolve("grid.png"), Color.GRAY);
            Map<String, Object> grid = new LinkedHashMap<>();
            grid.put("label", label);
            grid.put("step", step);
            grid.put("prompts", prompts);
            grid.put("seeds", SEEDS);
            grid.put("scheduler", "ddim");
            grid.put("steps", 10);
            grid.put("guidanceScale", 7.5);
            grid.put("width", 64);
            grid.put("height", 96);
            grid.put("clipSkip", 1);
            grid.put("batchSize", 1);
            grid.put("latentShape", List.of(1, 4, 12, 8));
            grid.put("initialLatentsSha256", Map.of("42", "aa42", "43", "aa43"));
            grid.put("model", Map.of("base", "tiny", "folder", "/x", "pretrained", false, "weightsSha256", "ff00",
                    "description", "tiny, random init"));
            grid.put("files", files);
            grid.put("grid", "grid.png");
            grid.put("seconds", 1.5);
            grid.put("secondsPerImage", 0.4);
            Files.write(dir.resolve("grid.json"), RunJson.mapper().writeValueAsBytes(grid));
            journal.append(new RunEvent.Image(time, step, "samples/" + label, "samples/" + label + "/grid.png", label));
            return this;
        }

        /** An evaluation point per CONTRACTS.md: metrics journaled at the step and eval/<label>/evaluation.json. */
        Run evaluation(String label, long step, double epoch, Map<String, Double> metrics, int images, String extractor)
                throws IOException {
            journal.append(new RunEvent.Metrics(time, step, metrics));
            Path dir = dir().eval().resolve(label);
            Files.createDirectories(dir.resolve("images"));
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("label", label);
            record.put("step", step);
            record.put("epoch", epoch);
            record.put("metrics", metrics);
            record.put("images", images);
            record.put("reference", Map.of("source", "validation", "images", 50, "sha256", "abcd"));
            record.put("extractor", Map.of("name", extractor, "weights_sha256", "beef", "dims", 2048));
            record.put("model", Map.of("base", "tiny", "pretrained", false));
            record.put("seconds", 12.5);
            Files.write(dir.resolve("evaluation.json"), RunJson.mapper().writeValueAsBytes(record));
            return this;
        }

        void finish() throws IOException {
            journal.append(new RunEvent.Finished(time + 1000, "finished", 0));
            dir().writeState(dir().readState().withStatus(RunStatus.FINISHED, null));
            close();
        }

        /** Leaves the run as a live one: state running and its lock held until {@link #close}. */
        Run leaveRunning(String stage, long step) throws IOException {
            dir().writeState(dir().readState().withStage(stage).withProgress(0, step));
            return this;
        }

        @Override
        public void close() throws IOException {
            journal.close();
            active.lock().close();
        }
    }

    /** A new run of a spec named {@code name}; {@code config} adds or replaces flattened spec keys. */
    Run start(String name, Map<String, Object> config) throws IOException {
        Map<String, Object> flat = new TreeMap<>();
        flat.put("name", name);
        flat.put("seed", 42L);
        flat.put("model.base", "tiny");
        flat.put("train.learning_rate", 5e-6);
        flat.put("train.epochs", 2L);
        flat.put("sample.prompts", PROMPTS);
        flat.put("sample.seeds", SEEDS);
        flat.putAll(config);
        ActiveRun active = store.create("name: x\n", new RunInfo(null, name, null, "experiments/" + name + ".yaml",
                "0123abcd", List.of(), List.of("local"), List.of(), "0.1.0-test"));
        return new Run(active, flat);
    }

    private static void png(Path file, Color color) throws IOException {
        BufferedImage img = new BufferedImage(64, 96, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 96; y++) {
            for (int x = 0; x < 64; x++) {
                img.setRGB(x, y, (x + y) % 8 == 0 ? Color.WHITE.getRGB() : color.getRGB());
            }
        }
        ImageIO.write(img, "png", file.toFile());
    }
}
