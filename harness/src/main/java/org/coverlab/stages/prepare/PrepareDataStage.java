package org.coverlab.stages.prepare;

import java.util.Optional;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.coverlab.data.BookDataset;
import org.coverlab.data.DataException;
import org.coverlab.data.SkipLog;
import org.coverlab.run.RunJson;
import org.coverlab.run.Stage;
import org.coverlab.run.StageContext;
import org.coverlab.spec.DatasetSpec;
import org.coverlab.spec.EvalSpec;
import org.coverlab.spec.ExperimentSpec;
import org.coverlab.spec.SampleSpec;
import org.coverlab.spec.SpecValues;
import org.coverlab.run.RunEvent;
import org.coverlab.util.GenerationLock;
import org.coverlab.util.AtomicFiles;
import org.coverlab.util.Sha256;

/**
 * Makes sure the spec's dataset exists and records what it is. A synthetic source whose folder lacks the CSV is
 * generated on first use ({@link BookDataset#open} writes it into a private sibling folder and renames it into place,
 * so a killed or concurrent generation never leaves a half set that a later run would take as complete; stale
 * private folders of dead processes are removed here). Then the dataset is opened with the same loader the training
 * stage uses, its summary and skip counts are logged, and its provenance (counts, split sizes, CSV hash, dataset
 * settings hash) is written to {@code data/dataset.json} and journaled as a Summary.
 *
 * <p>It runs whenever a later stage reads the data (training; evaluation against the validation split) and, because
 * generation is cheap and offline, also for a sampling-only experiment on a synthetic dataset, so its record names
 * the data its spec points at. A Goodreads folder that nothing reads is not required to exist.
 */
public final class PrepareDataStage implements Stage {

    public static final String NAME = "prepare_data";
    static final String PROVENANCE_FILE = "data/dataset.json";

    @Override
    public String name() {
        return NAME;
    }

    /** Training reads the dataset; evaluation reads its validation split; a synthetic set backs sampling runs. */
    @Override
    public Optional<String> neededBecause(ExperimentSpec spec) {
        if (spec.trains()) {
            return Optional.of("training reads the dataset (train.epochs is " + spec.train().epochs() + ")");
        }
        EvalSpec eval = spec.eval();
        if (!eval.metrics().isEmpty() && eval.every() != SampleSpec.When.NEVER
                && "validation".equals(eval.referenceStats())) {
            return Optional.of("eval.reference_stats is 'validation' (computed from the dataset's validation split)");
        }
        if (spec.sample().every() != SampleSpec.When.NEVER && spec.dataset().source() == DatasetSpec.Source.SYNTHETIC) {
            return Optional.of("dataset.source is synthetic and sample.every is " + spec.sample().every().key()
                    + " (the set is generated offline in seconds, so the run records the data its spec names)");
        }
        return Optional.empty();
    }

    /** The dataset's folders and CSV header, so unusable data is refused before a run exists (exit 2). */
    @Override
    public void checkInputs(ExperimentSpec spec, org.coverlab.run.RunSettings settings) {
        BookDataset.checkFiles(spec.dataset(), Path.of("").toAbsolutePath());
    }

    @Override
    public void run(StageContext ctx) throws Exception {
        ExperimentSpec spec = ctx.spec();
        DatasetSpec data = spec.dataset();
        Path provenanceFile = ctx.runDir().path().resolve(PROVENANCE_FILE);
        if (ctx.resumeFrom().isPresent() && Files.isRegularFile(provenanceFile)) {
            ctx.log().info("dataset already prepared in an earlier attempt ({}); nothing to do", PROVENANCE_FILE);
            return;
        }
        // Loaded specs hold absolute paths; resolving against the run folder only matters for hand-built specs.
        Path root = ctx.runDir().path().resolve(data.path()).normalize();
        Path csv = root.resolve(data.csv());
        boolean generate = data.source() == DatasetSpec.Source.SYNTHETIC && !Files.exists(csv);
        if (data.source() == DatasetSpec.Source.GOODREADS && !Files.isDirectory(root)) {
            throw new DataException("dataset.path: folder " + root + " does not exist; download the Kaggle "
                    + "goodreads-best-books set there (book_data.csv and images/images/), or point dataset.path at it");
        }
        ctx.checkCancelled();
        long t0 = ctx.clock().millis();
        SkipLog skips = new SkipLog();
        BookDataset ds;
        if (generate) {
            // Runs starting together generate one at a time: the first writes the set, the others wait and use it.
            try (GenerationLock lock = GenerationLock.acquire(root,
                    new GenerationLock.Waiting(line -> ctx.log().info(line), ctx::checkCancelled))) {
                generate = !Files.exists(csv);
                if (generate) {
                    removeStalePartials(root, ctx);
                    ctx.log().info("{} does not exist: generating the synthetic cover set into {} (first use; seed {}, {}x{}, {})",
                            data.csv(), root, BookDataset.SYNTHETIC_SEED, data.resolution().width(), data.resolution().height(),
                            data.images() > 0 ? "enough covers for " + data.images() + " training images after the validation split"
                                    : BookDataset.DEFAULT_SYNTHETIC_COUNT + " covers");
                } else {
                    ctx.log().info("{} was generated by another run meanwhile; using it", root);
                }
                ds = BookDataset.open(data, ctx.runDir().path(), spec.seed(), skips, ctx::checkCancelled);
            }
            if (generate) {
                ctx.log().info("generated {} synthetic covers in {} s", ds.cleaned().size() + skips.dropped(),
                        String.format(java.util.Locale.ROOT, "%.1f", (ctx.clock().millis() - t0) / 1000.0));
            }
        } else {
            ds = BookDataset.open(data, ctx.runDir().path(), spec.seed(), skips, ctx::checkCancelled);
        }
        ctx.log().info("{}", ds.describe());
        for (String message : skips.firstMessages()) {
            ctx.log().info("skipped: {}", message);
        }
        JsonNode generator = readGenerator(root);
        warnIfGeneratedSmaller(ctx, data, generator);
        if (data.images() > ds.train().size()) {
            ctx.log().warn("dataset.images is {} but only {} training examples are available in {}; using all of them",
                    data.images(), ds.train().size(), root);
        }

        DatasetProvenance provenance = new DatasetProvenance(data.source().key(), root.toString(), data.csv(),
                ds.layout().name().toLowerCase(java.util.Locale.ROOT), Sha256.ofFile(csv), datasetSpecHash(spec),
                ds.cleaned().size() + skips.dropped(), ds.cleaned().size(), ds.train().size(),
                ds.validation().size(), skips.dropped(), skips.converted(), DatasetProvenance.counts(skips.counts()),
                generate, generator, ds.describe());
        AtomicFiles.write(provenanceFile, RunJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(provenance));
        ctx.tracker().log(new RunEvent.Summary(ctx.clock().millis(), provenance.summary()));
        ctx.checkpoint(0, 0, Map.of("csv_sha256", provenance.csvSha256()), dir -> { });
    }

    /** Hash of the dataset section and the seed: same hash and same CSV hash mean the same examples and split. */
    static String datasetSpecHash(ExperimentSpec spec) {
        Map<String, Object> values = new TreeMap<>(SpecValues.flatten(spec.dataset()));
        values.put("seed", spec.seed());
        try {
            return Sha256.ofText(RunJson.mapper().writeValueAsString(values));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("spec values are plain JSON values", e);
        }
    }

    /**
     * A generation killed with kill -9 leaves its private folder ({@code <name>.partial-<pid>}) behind; it is never
     * used, only wasted space. Folders of live processes are a concurrent generation and are left alone.
     */
    private static void removeStalePartials(Path root, StageContext ctx) throws IOException {
        Path parent = root.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            return;
        }
        String prefix = root.getFileName() + ".partial-";
        try (Stream<Path> siblings = Files.list(parent)) {
            for (Path p : (Iterable<Path>) siblings::iterator) {
                String name = p.getFileName().toString();
                if (!name.startsWith(prefix)) {
                    continue;
                }
                long pid;
                try {
                    pid = Long.parseLong(name.substring(prefix.length()));
                } catch (NumberFormatException e) {
                    continue;
                }
                if (pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    ctx.log().info("{} is being generated by process {}; generating separately, the first to finish is kept", root, pid);
                    continue;
                }
                ctx.log().info("removing {}, left by an interrupted generation (process {} is gone)", p, pid);
                AtomicFiles.deleteTree(p);
            }
        }
    }

    private static JsonNode readGenerator(Path root) throws IOException {
        Path manifest = root.resolve("generator.json");
        return Files.isRegularFile(manifest) ? RunJson.mapper().readTree(manifest.toFile()) : null;
    }

    /** A shared synthetic folder keeps the size it was first generated at; say so when this spec wants more. */
    private static void warnIfGeneratedSmaller(StageContext ctx, DatasetSpec data, JsonNode generator) {
        if (generator == null || !generator.has("width") || !generator.has("height")) {
            return;
        }
        int w = generator.get("width").asInt();
        int h = generator.get("height").asInt();
        if (w < data.resolution().width() || h < data.resolution().height()) {
            ctx.log().warn("the synthetic covers in {} were generated at {}x{}, smaller than dataset.resolution {}x{}; they "
                    + "are upscaled (generate a larger set with coverlab make-dataset synthetic --width --height into another "
                    + "dataset.path)", data.path(), w, h, data.resolution().width(), data.resolution().height());
        }
    }
}
