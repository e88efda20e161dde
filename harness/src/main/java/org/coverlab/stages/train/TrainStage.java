package org.coverlab.stages.train;

import ai.djl.Device;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.coverlab.data.BookDataset;
import org.coverlab.data.BookRecord;
import org.coverlab.data.DataException;
import org.coverlab.data.DataPipeline;
import org.coverlab.data.SkipLog;
import org.coverlab.model.StableDiffusionModels;
import org.coverlab.model.bench.MemoryProbe;
import org.coverlab.model.io.NDArrays;
import org.coverlab.model.io.SafeTensors;
import org.coverlab.model.io.TensorEntry;
import org.coverlab.model.nn.ParamStore;
import org.coverlab.model.pipeline.TextToImagePipeline;
import org.coverlab.run.Checkpoint;
import org.coverlab.run.Progress;
import org.coverlab.run.RunEvent;
import org.coverlab.run.RunSettings;
import org.coverlab.run.Stage;
import org.coverlab.run.StageContext;
import org.coverlab.spec.ExperimentSpec;
import org.coverlab.spec.SpecEnum;
import org.coverlab.spec.TrainSpec;
import org.coverlab.stages.ComputeDevice;
import org.coverlab.stages.ModelProvenance;
import org.coverlab.stages.ModelSource;
import org.coverlab.stages.TrainingProbe;
import org.coverlab.stages.TrainingProbe.ProbePoint;
import org.coverlab.training.AdamW;
import org.coverlab.training.AdamW8bit;
import org.coverlab.training.Ema;
import org.coverlab.training.LatentDiffusionLoss;
import org.coverlab.training.LrSchedule;
import org.coverlab.training.NonFiniteLossException;
import org.coverlab.training.Optimizer;
import org.coverlab.training.TrainedParams;
import org.coverlab.training.Trainer;
import org.coverlab.training.TrainingListener;
import org.coverlab.training.TrainingState;
import org.coverlab.training.UpdateResult;
import org.coverlab.util.Sha256;

/**
 * Fine-tunes the components {@code train.components} lists, everything else frozen. First it opens the dataset and
 * model.base and announces the run ("***** Running training *****": examples, epochs, batch, accumulation, total
 * updates; journaled too); then it hands the {@link Trainer} the data, the latent-diffusion loss, the optimizer, the
 * LR schedule and EMA, with listeners that journal metrics every update, checkpoint every
 * {@code train.checkpoint_every} updates and at each epoch end, and run the {@link TrainingProbe}s (grids, evaluation)
 * at the points they ask for; finally it journals the summary.
 *
 * <p>A checkpoint holds the trained weights (diffusers-named safetensors under {@code unet/} and/or
 * {@code text_encoder/}), the optimizer state (8-bit quantisation state included), EMA, and in checkpoint.json the
 * update count (which is the LR schedule's and every random draw's state), the data cursor (epoch, position; the
 * shuffle seed is the spec's) and the running loss average. Resuming from it replays the same updates bit for bit
 * on the same machine with the same libtorch thread count; with another thread count it continues and says it is no
 * longer bit-exact. A probe interrupted by a kill runs again for its point after the resume (from the files it wrote).
 */
public final class TrainStage implements Stage {

    public static final String NAME = "train";
    static final String OPTIMIZER_FILE = "optimizer.safetensors";
    static final String EMA_FILE = "ema.safetensors";

    private final List<TrainingProbe> probes;
    private final UnaryOperator<Trainer.LossFunction> lossWrapper;

    public TrainStage(List<TrainingProbe> probes) {
        this(probes, UnaryOperator.identity());
    }

    /** With the latent-diffusion loss wrapped, for fault tests (e.g. one update's loss made NaN). */
    TrainStage(List<TrainingProbe> probes, UnaryOperator<Trainer.LossFunction> lossWrapper) {
        this.probes = List.copyOf(probes);
        this.lossWrapper = lossWrapper;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<String> neededBecause(ExperimentSpec spec) {
        if (!spec.trains()) {
            return Optional.empty();
        }
        return Optional.of("train.epochs is " + spec.train().epochs() + " and train.components is "
                + spec.train().components().stream().map(SpecEnum::key).collect(Collectors.joining(", ", "[", "]"))
                + " (set train.epochs: 0 to skip training)");
    }

    @Override
    public String checkpointName(long step) {
        return Long.toString(step); // owns the optimizer-step axis
    }

    @Override
    public void run(StageContext ctx) throws Exception {
        ExperimentSpec spec = ctx.spec();
        TrainSpec t = spec.train();
        BookDataset dataset = BookDataset.open(spec.dataset(), ctx.runDir().path(), spec.seed(), new SkipLog());
        List<BookRecord> examples = dataset.train();
        if (examples.isEmpty()) {
            throw new DataException("dataset " + datasetName(ctx) + " has no usable training image ("
                    + dataset.describe() + "); check dataset.path, dataset.images and the cleaning settings");
        }
        Device device = ComputeDevice.resolve(t.device());
        try (NDManager manager = NDManager.newBaseManager(device);
             DataPipeline data = dataset.pipeline(0, 0, ctx::checkCancelled)) {
            ModelSource.Loaded loaded = ModelSource.open(spec.model(), ctx.runDir().path(), ctx.settings().tinyModel(),
                    manager, ctx.log(), ctx::checkCancelled);
            try (TextToImagePipeline pipeline = loaded.pipeline()) {
                new Session(ctx, spec, pipeline, loaded.provenance(), examples.size(), manager, device).train(
                        new PipelineBatches(data, pipeline.tokenizer(), t.batchSize(), () -> new DataException(
                                "dataset " + datasetName(ctx) + " has no usable training image: none of its "
                                        + examples.size() + " training images could be read (" + dataset.log().summary()
                                        + "; first: " + String.join("; ", dataset.log().firstMessages().stream().limit(2).toList())
                                        + ")")));
            }
        }
    }

    /** The dataset folder as the run resolved it (dataset.path), which is how a user names it. */
    private static String datasetName(StageContext ctx) {
        return ctx.runDir().path().resolve(ctx.spec().dataset().path()).normalize().toString();
    }

    /** A GPU train.device that this build or machine does not have is refused before a run exists. */
    @Override
    public void checkOptions(ExperimentSpec spec) {
        ComputeDevice.resolve(spec.train().device());
    }

    /** Before a run exists: the model folder, and what the probes the spec enables need (the evaluation's extractor). */
    @Override
    public void checkInputs(ExperimentSpec spec, RunSettings settings) {
        ModelSource.checkFiles(spec.model(), settings.tinyModel());
        for (TrainingProbe probe : probes) {
            probe.checkInputs(spec, settings);
        }
    }

    /** One attempt of the stage: the trainer and everything its listeners need. */
    private final class Session implements TrainingListener {
        private final StageContext ctx;
        private final ExperimentSpec spec;
        private final TrainSpec t;
        private final TextToImagePipeline pipeline;
        private final ModelProvenance base;
        private final int examples;
        private final long total;
        private final Trainer trainer;
        private final List<ParamStore> trainedStores = new ArrayList<>();
        private final List<TrainSpec.Component> components;
        private Progress progress;
        private long lastUpdateNanos;
        private double trainSeconds;
        private double lastLoss = Double.NaN;
        private long lastCheckpoint = -1;
        /** The last update this process made, and whether micro-batches of the next one have run since. */
        private UpdateResult lastUpdate;
        private boolean inWindow;

        Session(StageContext ctx, ExperimentSpec spec, TextToImagePipeline pipeline, ModelProvenance base, int examples,
                NDManager manager, Device device) {
            this.ctx = ctx;
            this.spec = spec;
            this.t = spec.train();
            this.pipeline = pipeline;
            this.base = base;
            this.examples = examples;
            StableDiffusionModels models = pipeline.models();
            // a fixed order, whatever order the spec lists them in: it is the order of the optimizer's state
            components = t.components().stream().sorted().distinct().toList();
            for (TrainSpec.Component c : components) {
                trainedStores.add(c == TrainSpec.Component.UNET ? models.unet().params() : models.textEncoder().params());
            }
            this.total = Trainer.updatesPerEpoch(examples, t.batchSize(), t.gradientAccumulation()) * t.epochs();
            AdamW.Settings adam = AdamW.Settings.defaults(t.weightDecay());
            Optimizer optimizer = t.optimizer() == TrainSpec.Optimizer.ADAMW ? new AdamW(adam)
                    : new AdamW8bit(adam, t.min8bitSize());
            LrSchedule schedule = new LrSchedule(LrSchedule.Kind.valueOf(t.lrSchedule().name()), t.learningRate(),
                    t.warmupSteps(), total);
            LatentDiffusionLoss loss = new LatentDiffusionLoss(models, pipeline.schedulerConfig(),
                    new LatentDiffusionLoss.Options(t.minSnrGamma(), t.noiseOffset(), t.inputPerturbation()),
                    components.contains(TrainSpec.Component.TEXT_ENCODER));
            this.trainer = new Trainer(new Trainer.Settings(t.epochs(), t.gradientAccumulation(), t.maxGradNorm(),
                    spec.seed()), TrainedParams.of(trainedStores), optimizer, schedule, t.ema() ? new Ema(t.emaDecay())
                    : null, lossWrapper.apply((m, b, seed) -> loss.loss(m, b.tensors(m), seed)), manager, List.of(this));
            ctx.log().info("training on {} with {} libtorch threads", ComputeDevice.name(device), JniUtils.getNumThreads());
        }

        void train(PipelineBatches data) throws Exception {
            TrainingState start = TrainingState.START;
            Optional<Checkpoint> resume = ctx.resumeFrom();
            String announce = String.format(Locale.ROOT, "***** Running training ***** examples %d, epochs %d, batch "
                            + "%d, gradient accumulation %d (effective batch %d), total optimizer updates %d; trained: "
                            + "%s (%d parameters), optimizer %s, lr %s %s", examples, t.epochs(), t.batchSize(),
                    t.gradientAccumulation(), t.batchSize() * t.gradientAccumulation(), total,
                    components.stream().map(SpecEnum::key).toList(), trainer.params().count(), t.optimizer().key(),
                    t.learningRate(), t.lrSchedule().key());
            ctx.log().info("{}", announce);
            if (resume.isPresent()) {
                start = restore(resume.get());
            } else {
                Map<String, Object> numbers = new TreeMap<>();
                numbers.put("train.examples", examples);
                numbers.put("train.epochs", t.epochs());
                numbers.put("train.batch_size", t.batchSize());
                numbers.put("train.gradient_accumulation", t.gradientAccumulation());
                numbers.put("train.total_updates", total);
                numbers.put("train.trained_parameters", trainer.params().count());
                ctx.tracker().log(new RunEvent.Summary(ctx.clock().millis(), numbers));
                runProbes(new ProbePoint(EnumSet.of(ProbePoint.Kind.BEFORE_TRAINING), 0, 0, "base"));
            }
            trainer.restore(start);
            lastUpdateNanos = System.nanoTime();
            try (Progress p = ctx.progress("train", total, start.step())) {
                progress = p;
                trainer.fit(data, start);
            } catch (NonFiniteLossException e) {
                // the update that went non-finite was never applied: the latest checkpoint is the last good state
                String kept = lastCheckpoint < 0 ? "no training checkpoint was written before it (train.checkpoint_every "
                        + t.checkpointEvery() + ")" : "the last good checkpoint is "
                        + ctx.runDir().checkpoints().resolve(Long.toString(lastCheckpoint)) + " (after update "
                        + lastCheckpoint + ")";
                throw new IllegalStateException(e.getMessage() + "; " + kept + ". Resuming repeats the same updates: "
                        + "lower train.learning_rate or set train.max_grad_norm first", e);
            } catch (EngineException | OutOfMemoryError e) {
                String m = String.valueOf(e.getMessage());
                if (e instanceof OutOfMemoryError || m.contains("out of memory") || m.contains("can't allocate")) {
                    throw new IllegalStateException(String.format(Locale.ROOT, "out of memory at train.batch_size %d "
                                    + "and %dx%d pixels (train.gradient_checkpointing is not available in this build): "
                                    + "lower train.batch_size and raise train.gradient_accumulation to keep the "
                                    + "effective batch, or lower dataset.resolution (%s)", t.batchSize(),
                            spec.dataset().resolution().width(), spec.dataset().resolution().height(), m), e);
                }
                throw e;
            }
        }

        private TrainingState restore(Checkpoint c) throws Exception {
            TrainedParams params = trainer.params();
            Map<String, Integer> byKey = new LinkedHashMap<>();
            for (int i = 0; i < params.size(); i++) {
                byKey.put(params.get(i).fileKey(), i);
            }
            try (NDManager m = NDManager.newBaseManager()) {
                for (TrainSpec.Component comp : components) {
                    for (TensorEntry e : SafeTensors.readAll(weightsFile(c.dir(), comp))) {
                        Integer i = byKey.get(e.name());
                        if (i != null) {
                            params.write(i, NDArrays.toFloat32(m, e).toFloatArray());
                        }
                    }
                }
            }
            trainer.optimizer().restore(byName(c.dir().resolve(OPTIMIZER_FILE)),
                    SafeTensors.readHeader(c.dir().resolve(OPTIMIZER_FILE)).metadata());
            if (trainer.ema() != null) {
                trainer.ema().restore(byName(c.dir().resolve(EMA_FILE)),
                        SafeTensors.readHeader(c.dir().resolve(EMA_FILE)).metadata());
            }
            long threads = c.longState("threads");
            if (threads != JniUtils.getNumThreads()) {
                ctx.log().warn("resuming with {} libtorch threads where the run used {}: training continues, but is no "
                        + "longer bit-exact with an uninterrupted run (reductions split differently)",
                        JniUtils.getNumThreads(), threads);
            }
            trainSeconds = c.doubleState("train_seconds");
            TrainingState s = new TrainingState(c.step(), (int) c.longState("epoch_next"), (int) c.longState("position"),
                    c.longState("images_seen"), c.doubleState("loss_ema"));
            lastLoss = c.doubleState("loss");
            lastCheckpoint = c.step();
            ctx.log().info("resuming training after update {} of {} (epoch {}, position {})", s.step(), total,
                    s.epoch() + 1, s.position());
            @SuppressWarnings("unchecked")
            List<String> kinds = (List<String>) c.state().get("point");
            if (kinds != null && !kinds.isEmpty()) {
                // the probes of the checkpoint's point may have been cut short; they continue from their files
                Set<ProbePoint.Kind> set = EnumSet.noneOf(ProbePoint.Kind.class);
                kinds.forEach(k -> set.add(ProbePoint.Kind.valueOf(k)));
                runProbes(new ProbePoint(set, c.epoch(), c.step(), "step-" + c.step()));
            }
            return s;
        }

        private Map<String, TensorEntry> byName(Path file) {
            Map<String, TensorEntry> out = new LinkedHashMap<>();
            for (TensorEntry e : SafeTensors.readAll(file)) {
                out.put(e.name(), e);
            }
            return out;
        }

        @Override
        public void onMicroBatch(Trainer tr, TrainingState state) throws IOException, InterruptedException {
            boolean boundary = !inWindow;
            inWindow = true;
            if (ctx.checkpointBeforeStop()) {
                // SIGUSR1: the scheduler's time limit is near. A checkpoint exists only between updates, so a window
                // already begun is finished first; then the requeued job resumes after the last update.
                if (!boundary) {
                    return;
                }
                if (lastUpdate != null && lastCheckpoint != lastUpdate.step()) {
                    checkpoint(state, lastUpdate, EnumSet.noneOf(ProbePoint.Kind.class));
                }
            }
            ctx.checkCancelled();
            if (!boundary) {
                // a kill test's point: micro-batches of update step+1 have run, the update has not
                ctx.holdIfAsked("train", state.step() + 1, "inside the gradient-accumulation window of this update");
            }
        }

        @Override
        public void onUpdate(Trainer tr, TrainingState state, UpdateResult u) throws Exception {
            long now = System.nanoTime();
            double seconds = (now - lastUpdateNanos) / 1e9;
            lastUpdateNanos = now;
            trainSeconds += seconds;
            lastLoss = u.loss();
            Map<String, Double> values = new TreeMap<>();
            values.put("loss", u.loss());
            values.put("loss_ema", state.lossEma());
            values.put("lr", u.lr());
            values.put("grad_norm", u.gradNorm());
            values.put("examples_per_s", u.examples() / seconds);
            values.put("rss_mb", MemoryProbe.rssMiB());
            values.put("epoch", state.epoch() + (double) state.position() / examples);
            ctx.tracker().log(new RunEvent.Metrics(ctx.clock().millis(), u.step(), values));
            progress.update(u.step(), String.format(Locale.ROOT, "loss=%.4f lr=%.2e %.2f it/s", u.loss(), u.lr(),
                    1 / seconds));

            Set<ProbePoint.Kind> kinds = EnumSet.noneOf(ProbePoint.Kind.class);
            if (t.checkpointEvery() > 0 && u.step() % t.checkpointEvery() == 0) {
                kinds.add(ProbePoint.Kind.CHECKPOINT);
            }
            if (u.epochEnd()) {
                kinds.add(ProbePoint.Kind.EPOCH_END);
                if (state.epoch() >= t.epochs()) {
                    kinds.add(ProbePoint.Kind.END);
                }
            }
            lastUpdate = u;
            inWindow = false;
            if (kinds.isEmpty()) {
                return;
            }
            checkpoint(state, u, kinds);
            runProbes(new ProbePoint(kinds, state.epoch(), u.step(), "step-" + u.step()));
        }

        private void checkpoint(TrainingState state, UpdateResult u, Set<ProbePoint.Kind> kinds) throws IOException {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("epoch_next", state.epoch());
            s.put("position", state.position());
            s.put("shuffle_seed", spec.seed());
            s.put("images_seen", state.imagesSeen());
            s.put("loss_ema", state.lossEma());
            s.put("loss", u.loss());
            s.put("train_seconds", trainSeconds);
            s.put("threads", JniUtils.getNumThreads());
            s.put("point", kinds.stream().map(Enum::name).toList());
            s.put("base_folder", base.folder());
            s.put("components", components.stream().map(SpecEnum::key).toList());
            ctx.checkpoint(state.epoch(), u.step(), s, dir -> {
                for (TrainSpec.Component c : components) {
                    if (c == TrainSpec.Component.UNET) {
                        pipeline.models().unet().save(dir.resolve("unet"));
                    } else {
                        pipeline.models().textEncoder().save(dir.resolve("text_encoder"));
                    }
                }
                SafeTensors.write(dir.resolve(OPTIMIZER_FILE), trainer.optimizer().metadata(), trainer.optimizer().state());
                if (trainer.ema() != null) {
                    SafeTensors.write(dir.resolve(EMA_FILE), trainer.ema().metadata(), trainer.ema().state());
                }
            });
            lastCheckpoint = u.step();
        }

        private void runProbes(ProbePoint point) throws Exception {
            List<TrainingProbe> due = probes.stream().filter(p -> p.runsAt(spec, point)).toList();
            if (due.isEmpty()) {
                return;
            }
            ModelProvenance provenance = point.step() == 0 ? base : trainedProvenance(point.step());
            trainer.withEmaWeights(() -> {
                for (TrainingProbe p : due) {
                    ctx.log().info("{} at {} ({})", p.name(), point.label(), point.kinds());
                    p.run(ctx, pipeline, provenance, point);
                }
                return null;
            });
        }

        /** The trained model at a step: base plus the checkpoint's trained weights, hashed. */
        private ModelProvenance trainedProvenance(long step) throws IOException {
            Path dir = ctx.runDir().checkpoints().resolve(Long.toString(step));
            List<String> files = components.stream().map(c -> ctx.runDir().path().relativize(weightsFile(dir, c))
                    .toString()).toList();
            String sha = Sha256.ofFiles(ctx.runDir().path(), files);
            String what = trainer.ema() != null ? "EMA weights" : "weights";
            return new ModelProvenance(base.base(), dir.toString(), base.pretrained(), sha, base.description()
                    + ", fine-tuned " + components.stream().map(SpecEnum::key).toList() + " to update " + step
                    + " (" + what + ")");
        }

        @Override
        public void onTrainingEnd(Trainer tr, TrainingState state) {
            Map<String, Object> summary = new TreeMap<>();
            summary.put("final_loss", lastLoss);
            summary.put("images_seen", state.imagesSeen());
            summary.put("train_seconds", trainSeconds);
            summary.put("optimizer_updates", state.step());
            summary.put("peak_rss_mb", MemoryProbe.peakRssMiB());
            ctx.tracker().log(new RunEvent.Summary(ctx.clock().millis(), summary));
            ctx.log().info("training finished: {} updates, {} images seen, final loss {}, loss_ema {}, {} s of training",
                    state.step(), state.imagesSeen(), String.format(Locale.ROOT, "%.4f", lastLoss),
                    String.format(Locale.ROOT, "%.4f", state.lossEma()), String.format(Locale.ROOT, "%.0f", trainSeconds));
        }
    }

    static Path weightsFile(Path checkpointDir, TrainSpec.Component c) {
        return c == TrainSpec.Component.UNET
                ? checkpointDir.resolve("unet").resolve(org.coverlab.model.unet.UNet2DConditionModel.WEIGHTS)
                : checkpointDir.resolve("text_encoder").resolve(org.coverlab.model.clip.ClipTextModel.WEIGHTS);
    }
}
