package org.coverlab.stages.prepare;

import java.util.Optional;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
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
import org.coverlab.util.AtomicFiles;
import org.coverlab.util.Sha256;

/**
 * Makes sure the spec's dataset exists and records what it is. A synthetic source is generated on first use, or
 * extended when a set the harness generated holds fewer covers than the spec uses ({@link
 * BookDataset#ensureSynthetic}: under an OS lock beside the folder, so concurrent runs generate once; a new set is
 * built in a private sibling and renamed into place, an extension adds covers before atomically replacing the CSV, so
 * runs already reading the folder are undisturbed). Then the dataset is opened with the same loader the training
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
        if (data.source() == DatasetSpec.Source.GOODREADS && !Files.isDirectory(root)) {
            throw new DataException("dataset.path: folder " + root + " does not exist; download the Kaggle "
                    + "goodreads-best-books set there (book_data.csv and images/images/), or point dataset.path at it");
        }
        ctx.checkCancelled();
        long t0 = ctx.clock().millis();
        boolean generated = false;
        if (data.source() == DatasetSpec.Source.SYNTHETIC) {
            // Runs starting together generate (or extend) it once: the first does, the others wait and use it.
            BookDataset.Synthetic synthetic = BookDataset.ensureSynthetic(data, ctx.runDir().path(), ctx::checkCancelled,
                    line -> ctx.log().info("{}", line));
            generated = synthetic.kind() == BookDataset.Synthetic.Kind.GENERATED
                    || synthetic.kind() == BookDataset.Synthetic.Kind.EXTENDED;
            if (generated) {
                ctx.log().info("{} {} synthetic covers in {} s ({} before; this spec uses the first {})",
                        synthetic.kind() == BookDataset.Synthetic.Kind.GENERATED ? "generated" : "extended to",
                        synthetic.covers(), String.format(java.util.Locale.ROOT, "%.1f",
                                (ctx.clock().millis() - t0) / 1000.0), synthetic.before(), BookDataset.syntheticCount(data));
            }
        }
        SkipLog skips = new SkipLog();
        BookDataset ds = BookDataset.open(data, ctx.runDir().path(), spec.seed(), skips, ctx::checkCancelled);
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
                ds.layout().name().toLowerCase(java.util.Locale.ROOT), ds.csvSha256(), datasetSpecHash(spec),
                ds.cleaned().size() + skips.dropped(), ds.cleaned().size(), ds.train().size(),
                ds.validation().size(), skips.dropped(), skips.converted(), DatasetProvenance.counts(skips.counts()),
                generated, generator, ds.describe());
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
