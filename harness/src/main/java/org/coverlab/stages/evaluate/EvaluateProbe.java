package org.coverlab.stages.evaluate;

import ai.djl.ndarray.NDManager;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.coverlab.data.BookDataset;
import org.coverlab.data.BookRecord;
import org.coverlab.data.CaptionBuilder;
import org.coverlab.data.Seeds;
import org.coverlab.data.SkipLog;
import org.coverlab.metrics.ActivationStatistics;
import org.coverlab.metrics.Extractors;
import org.coverlab.stages.ModelSource;
import org.coverlab.run.RunSettings;
import org.coverlab.util.BadInputException;
import org.coverlab.metrics.FrechetDistance;
import org.coverlab.metrics.ImageSet;
import org.coverlab.metrics.KernelDistance;
import org.coverlab.metrics.MetricsException;
import org.coverlab.metrics.StatisticsCache;
import org.coverlab.model.features.FeatureExtractor;
import org.coverlab.model.pipeline.GeneratedImage;
import org.coverlab.model.pipeline.GenerationRequest;
import org.coverlab.model.pipeline.TextToImagePipeline;
import org.coverlab.run.Progress;
import org.coverlab.run.RunEvent;
import org.coverlab.run.RunJson;
import org.coverlab.diffusion.SchedulerKind;
import org.coverlab.run.StageContext;
import org.coverlab.stages.ModelProvenance;
import org.coverlab.spec.EvalSpec;
import org.coverlab.spec.ExperimentSpec;
import org.coverlab.spec.SampleSpec;
import org.coverlab.stages.TrainingProbe;
import org.coverlab.util.AtomicFiles;

/**
 * Scores the model at an evaluation point. First it generates {@code eval.images} images into
 * {@code eval/<label>/images/} as PNGs, image i from a seed derived from the run seed and i and a caption of a
 * validation cover chosen the same way, with {@code eval.steps}, {@code eval.batch_size} and the spec's sample
 * scheduler and guidance, so every point of every run sees the same prompts and noise. Then it computes the features of
 * those images and of the reference (validation covers, statistics cached by content hash, or an .npz). Finally it
 * journals FID and KID at the point's step (named {@code fid}/{@code kid}/{@code kid_std} for the FID Inception,
 * {@code fid_cover}/{@code kid_cover}/{@code kid_cover_std} for the cover extractor) and writes evaluation.json.
 *
 * <p>Resumable: images already on disk are kept, so a killed evaluation continues where it stopped and, because the
 * scores depend only on the image files, gives the same numbers as an uninterrupted one.
 */
public final class EvaluateProbe implements TrainingProbe {

    public static final String NAME = "evaluate";
    static final String IMAGES = "images";
    static final String RECORD = "evaluation.json";
    private static final long SEED_SALT = 0x6576616c5f736565L;   // "eval_see"
    private static final long PROMPT_SALT = 0x6576616c5f707274L; // "eval_prt"

    @Override
    public String name() {
        return NAME;
    }

    static boolean enabled(ExperimentSpec spec) {
        return !spec.eval().metrics().isEmpty() && spec.eval().every() != SampleSpec.When.NEVER;
    }

    @Override
    public boolean runsAt(ExperimentSpec spec, ProbePoint point) {
        if (!enabled(spec)) {
            return false;
        }
        var kinds = point.kinds();
        boolean end = kinds.contains(ProbePoint.Kind.END);
        return switch (spec.eval().every()) {
            case NEVER -> false;
            case END -> end;
            case EPOCH -> end || kinds.contains(ProbePoint.Kind.EPOCH_END);
            case CHECKPOINT -> end || kinds.contains(ProbePoint.Kind.CHECKPOINT);
        };
    }

    /**
     * The feature extractor eval.extractor names must be there (inception: its converted weights), and the model's
     * scheduler config must take sample.scheduler with eval.steps.
     */
    @Override
    public void checkInputs(ExperimentSpec spec, RunSettings settings) {
        if (!enabled(spec)) {
            return;
        }
        try {
            Extractors.resolve(spec.eval().extractor(), spec.eval().inceptionWeights());
        } catch (MetricsException e) {
            throw new BadInputException("eval.extractor is " + spec.eval().extractor().key() + " but " + e.getMessage());
        }
        ModelSource.checkScheduler(spec.model(), settings.tinyModel(),
                SchedulerKind.fromKey(spec.sample().scheduler().key()).orElseThrow(),
                spec.eval().steps(), "sample.scheduler " + spec.sample().scheduler().key() + " with eval.steps "
                        + spec.eval().steps());
    }

    /** The seed of evaluation image i: a pure function of (run seed, i), in torch.manual_seed's range. */
    static long imageSeed(long runSeed, int i) {
        return Seeds.mix(Seeds.mix(runSeed ^ SEED_SALT) + i) >>> 33;
    }

    /** The validation row whose caption prompts image i. */
    static int promptRow(long runSeed, int i, int rows) {
        return (int) Long.remainderUnsigned(Seeds.mix(Seeds.mix(runSeed ^ PROMPT_SALT) + i), rows);
    }

    static String imageFile(int i) {
        return String.format(Locale.ROOT, "%05d.png", i);
    }

    @Override
    public void run(StageContext ctx, TextToImagePipeline model, ModelProvenance provenance, ProbePoint point)
            throws Exception {
        long t0 = System.nanoTime();
        ExperimentSpec spec = ctx.spec();
        EvalSpec eval = spec.eval();
        Path dir = ctx.runDir().path().resolve("eval").resolve(point.label());
        Path imagesDir = dir.resolve(IMAGES);
        Files.createDirectories(imagesDir);
        BookDataset dataset = BookDataset.open(spec.dataset(), ctx.runDir().path(), spec.seed(), new SkipLog());
        List<BookRecord> validation = dataset.validation();
        if (validation.isEmpty()) {
            throw new MetricsException("evaluation prompts are validation captions, but the dataset has no validation "
                    + "split (dataset.validation_split is 0)");
        }
        CaptionBuilder captions = dataset.captions();
        int n = eval.images();
        List<String> prompts = new ArrayList<>(n);
        List<Long> seeds = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            prompts.add(captions.caption(validation.get(promptRow(spec.seed(), i, validation.size())), 0));
            seeds.add(imageSeed(spec.seed(), i));
        }
        ctx.log().info("evaluate {}: {} images ({} {} steps, guidance {}, batch {}), prompts from {} validation captions",
                point.label(), n, spec.sample().scheduler().key(), eval.steps(), spec.sample().guidanceScale(),
                eval.batchSize(), validation.size());

        // 1. the generated images, skipping those a previous attempt finished
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (!readable(imagesDir.resolve(imageFile(i)))) {
                missing.add(i);
            }
        }
        if (missing.size() < n) {
            ctx.log().info("evaluate {}: {} of {} images already generated; continuing", point.label(), n - missing.size(), n);
        }
        GenerationRequest settings = new GenerationRequest(List.of(prompts.get(0)), List.of(seeds.get(0)), eval.steps(),
                (float) spec.sample().guidanceScale(), SchedulerKind.fromKey(spec.sample().scheduler().key()).orElseThrow(), spec.dataset().resolution().width(),
                spec.dataset().resolution().height(), spec.model().clipSkip(), eval.batchSize());
        try (Progress progress = ctx.progress("evaluate " + point.label() + " images", n, n - missing.size())) {
            int done = n - missing.size();
            for (int b = 0; b < missing.size(); b += eval.batchSize()) {
                ctx.checkCancelled();
                List<Integer> batch = missing.subList(b, Math.min(missing.size(), b + eval.batchSize()));
                List<String> bp = batch.stream().map(prompts::get).toList();
                List<Long> bs = batch.stream().map(seeds::get).toList();
                int[] step = {0};
                String where = "batch of " + batch.size() + ", denoising step ";
                int steps = settings.steps() * ((bp.size() + settings.batchSize() - 1) / settings.batchSize());
                List<GeneratedImage> images = model.generatePairs(bp, bs, settings, () -> {
                    ctx.checkCancelled();
                    progress.tick(where + (++step[0]) + "/" + steps);
                });
                for (int k = 0; k < batch.size(); k++) {
                    AtomicFiles.write(imagesDir.resolve(imageFile(batch.get(k))), png(images.get(k).toBufferedImage()));
                }
                done += batch.size();
                progress.update(done, "");
            }
        }

        // 2. features and scores
        try (NDManager manager = NDManager.newBaseManager();
             FeatureExtractor extractor = Extractors.open(eval.extractor(), eval.inceptionWeights(), manager, ctx.log()::info)) {
            ctx.log().info("evaluate {}: features from {}", point.label(), extractor.description());
            ActivationStatistics reference = referenceStatistics(ctx, dataset, extractor);
            if (reference.count() > 0 && reference.count() < n) {
                // A small dataset (a synthetic spec using few covers: quickstart's 73) leaves few validation covers.
                ctx.log().warn("evaluate {}: the reference has only {} images, fewer than the {} generated; scores from so"
                        + " few reference images are noisy (a larger dataset.validation_split or dataset gives more)",
                        point.label(), reference.count(), n);
            }
            ImageSet generated = ImageSet.folder(imagesDir).first(n);
            float[][] features = StatisticsCache.extract(generated, extractor, 0, n, extractor.batchSize(), ctx::checkCancelled);
            ActivationStatistics fake = ActivationStatistics.of(features);
            Map<String, Double> metrics = new TreeMap<>();
            String suffix = extractor.metricSuffix();
            Map<String, Object> settingsOut = new LinkedHashMap<>();
            if (eval.metrics().contains(EvalSpec.Metric.FID)) {
                FrechetDistance.Result fid = FrechetDistance.compute(fake, reference, FrechetDistance.EPS);
                if (fid.offsetApplied()) {
                    ctx.log().warn("fid calculation produced a singular product; added {} to the covariances' diagonals",
                            FrechetDistance.EPS);
                }
                metrics.put("fid" + suffix, fid.distance());
                settingsOut.put("fid_offset_applied", fid.offsetApplied());
            }
            if (eval.metrics().contains(EvalSpec.Metric.KID)) {
                KernelDistance.Result kid = KernelDistance.compute(reference.features(), features,
                        new KernelDistance.Options(100, 1000, 3, Double.NaN, 1.0, spec.seed()));
                metrics.put("kid" + suffix, kid.mean());
                metrics.put("kid" + suffix + "_std", kid.std());
                settingsOut.put("kid_subsets", kid.subsets());
                settingsOut.put("kid_subset_size", kid.subsetSize());
            }
            settingsOut.put("steps", eval.steps());
            settingsOut.put("batch_size", eval.batchSize());
            settingsOut.put("scheduler", spec.sample().scheduler().key());
            settingsOut.put("guidance_scale", spec.sample().guidanceScale());
            settingsOut.put("width", spec.dataset().resolution().width());
            settingsOut.put("height", spec.dataset().resolution().height());
            settingsOut.put("first_seeds", seeds.subList(0, Math.min(4, n)));
            double seconds = (System.nanoTime() - t0) / 1e9;
            EvaluationRecord record = new EvaluationRecord(point.label(), point.step(), point.epoch(), metrics, n,
                    new EvaluationRecord.Reference(referenceSource(eval), reference.count(), referenceSha(eval, dataset)),
                    new EvaluationRecord.Extractor(extractor.name(), extractor.weightsSha256(), extractor.dims()),
                    provenance, seconds, settingsOut);
            AtomicFiles.write(dir.resolve(RECORD), RunJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(record));
            long now = ctx.clock().millis();
            ctx.tracker().log(new RunEvent.Metrics(now, point.step(), metrics));
            String rel = ctx.runDir().path().relativize(dir.resolve(RECORD)).toString().replace('\\', '/');
            ctx.tracker().log(new RunEvent.Artifact(now, point.step(), "evaluation", rel));
            Map<String, Object> summary = new TreeMap<>();
            metrics.forEach((k, v) -> summary.put(k, v));
            summary.put("eval.images", n);
            summary.put("eval.extractor", extractor.name());
            ctx.tracker().log(new RunEvent.Summary(now, summary));
            ctx.log().info("evaluate {}: {} ({} generated images vs {} reference; {}; {} s)", point.label(),
                    describe(metrics), n, reference.count(), extractor.name(), String.format(Locale.ROOT, "%.1f", seconds));
        }
    }

    private static ActivationStatistics referenceStatistics(StageContext ctx, BookDataset dataset, FeatureExtractor extractor)
            throws IOException {
        EvalSpec eval = ctx.spec().eval();
        if (!"validation".equals(eval.referenceStats())) {
            ActivationStatistics s = ActivationStatistics.read(Path.of(eval.referenceStats()), extractor.dims());
            if (eval.metrics().contains(EvalSpec.Metric.KID) && !s.hasFeatures()) {
                throw new MetricsException(eval.referenceStats() + ": has only mu and sigma; KID needs the reference "
                        + "features too (write the file with coverlab precalc-fid-stats, or drop kid from eval.metrics)");
            }
            return s;
        }
        ImageSet images = ImageSet.validation(dataset);
        Path cache = Extractors.statisticsCache();
        Path file = StatisticsCache.file(cache, images, extractor);
        if (Files.isRegularFile(file)) {
            ctx.log().info("reference statistics: {} ({} validation covers, cached)", file, images.size());
        } else {
            ctx.log().info("reference statistics: computing them from {} validation covers into {}", images.size(), file);
        }
        try (Progress progress = ctx.progress("reference statistics", images.size(), 0)) {
            return StatisticsCache.get(cache, images, extractor, (done, total) -> progress.update(done, ""),
                    ctx::checkCancelled);
        }
    }

    private static String referenceSource(EvalSpec eval) {
        return eval.referenceStats();
    }

    private static String referenceSha(EvalSpec eval, BookDataset dataset) throws IOException {
        if ("validation".equals(eval.referenceStats())) {
            return ImageSet.validation(dataset).contentSha256();
        }
        return org.coverlab.util.Sha256.ofFile(Path.of(eval.referenceStats()));
    }

    private static String describe(Map<String, Double> metrics) {
        StringBuilder sb = new StringBuilder();
        metrics.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append(' ')
                .append(String.format(Locale.ROOT, k.startsWith("kid") ? "%.5f" : "%.3f", v)));
        return sb.toString();
    }

    private static boolean readable(Path png) {
        if (!Files.isRegularFile(png)) {
            return false;
        }
        try {
            return ImageIO.read(png.toFile()) != null;
        } catch (IOException e) {
            return false;
        }
    }

    static byte[] png(BufferedImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(image, "png", out)) {
            throw new IOException("no PNG writer available");
        }
        return out.toByteArray();
    }
}
