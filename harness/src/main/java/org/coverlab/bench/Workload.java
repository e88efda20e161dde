package org.coverlab.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.coverlab.data.BookDataset;
import org.coverlab.data.Cursor;
import org.coverlab.data.DataPipeline;
import org.coverlab.data.SkipLog;
import org.coverlab.data.TrainingExample;
import org.coverlab.diffusion.SchedulerConfig;
import org.coverlab.diffusion.SchedulerKind;
import org.coverlab.model.StableDiffusionModels;
import org.coverlab.model.nn.ParamStore;
import org.coverlab.model.pipeline.GenerationRequest;
import org.coverlab.model.pipeline.TextToImagePipeline;
import org.coverlab.model.unet.UNet2DConditionModel;
import org.coverlab.model.unet.UNetConfig;
import org.coverlab.spec.DatasetSpec;
import org.coverlab.spec.Resolution;
import org.coverlab.training.AdamW;
import org.coverlab.training.LatentDiffusionLoss;
import org.coverlab.model.nn.NoGrad;
import org.coverlab.training.TrainedParams;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.coverlab.metrics.ActivationStatistics;
import org.coverlab.metrics.FrechetDistance;
import org.coverlab.model.inception.FidInceptionV3;
import org.coverlab.model.inception.ReferenceWeights;
import java.util.List;

/**
 * The Java side of one benchmark row: set up once (load the diffusers folder, build inputs), then {@link #run()}
 * one iteration at a time. scripts/bench_reference.py implements the same rows with torch and diffusers; each
 * row's definition there and here must stay the same work (see BENCHMARKS.md).
 */
abstract class Workload implements AutoCloseable {
    /** Items one iteration processes (examples, images or UNet steps), for throughput. */
    abstract int units();

    abstract void run();

    @Override
    public void close() {
    }

    /** The fixed prompts of the sampling row (4, one per image of the batch). */
    static final List<String> PROMPTS = List.of(
            "A book cover with author Jane Austen, book title Pride and Prejudice",
            "A book cover of Moby-Dick by Herman Melville",
            "The cover of the book Frankenstein, written by Mary Shelley",
            "A mystery book cover for The Adventures of Sherlock Holmes by Arthur Conan Doyle");

    /**
     * @param row    the row name (see {@link Rows})
     * @param model  the shared tiny diffusers folder
     * @param covers the shared synthetic cover dataset (Goodreads layout)
     */
    static Workload create(Rows.Row row, Path model, Path covers, NDManager root, int threads) {
        return switch (row.kind()) {
            case UNET_TRAIN -> new Train(root, model, row.batch(), row.resolution(), false);
            case TEXT_ENCODER_TRAIN -> new Train(root, model, row.batch(), row.resolution(), true);
            case SAMPLE -> new Sample(root, model, row.batch(), row.resolution());
            case SD15_UNET -> new Sd15Step(root, row.batch());
            case VAE_ENCODE -> new VaeEncode(root, model, row.batch(), row.resolution());
            case DATA -> new Data(covers, row.resolution(), threads);
            case FID_FEATURES -> new FidFeatures(root, covers, row.batch());
            case FRECHET -> new Frechet(covers);
        };
    }

    /**
     * One optimizer update of the training library's latent-diffusion step: frozen VAE encode, noise, timesteps,
     * text states, UNet prediction, MSE, backward, clip the gradient norm to 1, AdamW, zero the gradients. The
     * trained component is the UNet, or the text encoder with gradients through the frozen UNet.
     */
    static final class Train extends Workload {
        private final NDManager manager;
        private final StableDiffusionModels models;
        private final TrainedParams params;
        private final LatentDiffusionLoss loss;
        private final AdamW adam = new AdamW(AdamW.Settings.defaults(1e-2));
        private final NDArray pixels;
        private final NDArray ids;
        private final int batch;
        private long seed;

        Train(NDManager root, Path folder, int batch, Resolution size, boolean textEncoder) {
            manager = root.newSubManager();
            models = StableDiffusionModels.load(folder, manager);
            ParamStore trained = textEncoder ? models.textEncoder().params() : models.unet().params();
            params = TrainedParams.of(List.of(trained));
            loss = new LatentDiffusionLoss(models, SchedulerConfig.read(folder.resolve("scheduler/scheduler_config.json")),
                    LatentDiffusionLoss.Options.NONE, textEncoder);
            manager.getEngine().setRandomSeed(0);
            pixels = manager.randomUniform(-1, 1, new Shape(batch, 3, size.height(), size.width()));
            ids = manager.randomInteger(0, models.textEncoder().config().vocabSize(), new Shape(batch, 77),
                    DataType.INT64);
            this.batch = batch;
        }

        @Override
        int units() {
            return batch;
        }

        @Override
        void run() {
            try (NDManager m = manager.newSubManager();
                 GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray l = loss.loss(m, LatentDiffusionLoss.Batch.ofPixels(ids, pixels), seed++);
                collector.backward(l);
            }
            // the training library's update, as Trainer does it: clip the global norm to 1, AdamW in place
            try (TrainedParams.Update gradients = params.beginUpdate(1f)) {
                float clip = (float) Math.min(1.0, 1.0 / (gradients.norm() + 1e-6));
                adam.beginStep(1e-4);
                gradients.apply(adam, clip, null);
            }
            params.zeroGradients();
        }

        @Override
        public void close() {
            models.close();
            manager.close();
        }
    }

    /** DDIM, 10 steps, guidance 7.5, a batch of four prompts: text encoding, denoising loop, VAE decode. */
    static final class Sample extends Workload {
        private final NDManager manager;
        private final TextToImagePipeline pipeline;
        private final GenerationRequest request;
        private long seed;

        Sample(NDManager root, Path folder, int batch, Resolution size) {
            manager = root.newSubManager();
            pipeline = TextToImagePipeline.load(folder, manager);
            request = new GenerationRequest(PROMPTS.subList(0, batch), List.of(0L), 10, 7.5f, SchedulerKind.DDIM,
                    size.width(), size.height(), 0, batch);
        }

        @Override
        int units() {
            return request.prompts().size();
        }

        @Override
        void run() {
            seed++;
            pipeline.generate(new GenerationRequest(request.prompts(), List.of(seed), request.steps(),
                    request.guidanceScale(), request.scheduler(), request.width(), request.height(), 0,
                    request.batchSize()));
        }

        @Override
        public void close() {
            pipeline.close();
            manager.close();
        }
    }

    /** One UNet forward of SD1.5's shape (random weights), a guided batch at 64x64 latents (512x512 images). */
    static final class Sd15Step extends Workload {
        private final NDManager manager;
        private final UNet2DConditionModel unet;
        private final NDArray latents;
        private final NDArray t;
        private final NDArray context;

        Sd15Step(NDManager root, int batch) {
            manager = root.newSubManager();
            unet = UNet2DConditionModel.create(UNetConfig.sd15(), manager, 0);
            latents = manager.randomNormal(new Shape(batch, 4, 64, 64));
            t = manager.full(new Shape(batch), 500f);
            context = manager.randomNormal(new Shape(batch, 77, 768));
        }

        @Override
        int units() {
            return 1;
        }

        @Override
        void run() {
            NoGrad.run(() -> {
                try (NDManager m = manager.newSubManager()) {
                    NDArray in = latents.duplicate();
                    in.attach(m);
                    return unet.forward(in, t, context).sum().getFloat();
                }
            });
        }

        @Override
        public void close() {
            unet.close();
            manager.close();
        }
    }

    /** The VAE posterior mean of a batch of covers (the latent cache's work). */
    static final class VaeEncode extends Workload {
        private final NDManager manager;
        private final StableDiffusionModels models;
        private final NDArray pixels;
        private final int batch;

        VaeEncode(NDManager root, Path folder, int batch, Resolution size) {
            manager = root.newSubManager();
            models = StableDiffusionModels.load(folder, manager);
            pixels = manager.randomUniform(-1, 1, new Shape(batch, 3, size.height(), size.width()));
            this.batch = batch;
        }

        @Override
        int units() {
            return batch;
        }

        @Override
        void run() {
            NoGrad.run(() -> {
                try (NDManager m = manager.newSubManager()) {
                    NDArray in = pixels.duplicate();
                    in.attach(m);
                    return models.vae().encode(in).mean().sum().getFloat();
                }
            });
        }

        @Override
        public void close() {
            models.close();
            manager.close();
        }
    }

    /** One epoch of the training data stream: JPEG decode, resize, normalise, caption, with the row's threads. */
    static final class Data extends Workload {
        private final BookDataset dataset;
        private final int threads;
        private int examples;

        Data(Path covers, Resolution size, int threads) {
            DatasetSpec d = DatasetSpec.DEFAULT;
            DatasetSpec spec = new DatasetSpec(DatasetSpec.Source.GOODREADS, covers.toString(), d.csv(),
                    d.imagePattern(), 0, 0, d.subset(), size, d.resize(), false, 0, DatasetSpec.Cleaning.NONE,
                    d.englishRatio(), d.captions());
            dataset = BookDataset.open(spec, covers, 42, new SkipLog());
            this.threads = threads;
            examples = dataset.cleaned().size();
        }

        @Override
        int units() {
            return examples;
        }

        @Override
        void run() {
            int n = 0;
            double checksum = 0;
            try (DataPipeline p = dataset.pipeline(threads, 0); DataPipeline.Epoch e = p.epoch(Cursor.START)) {
                while (e.hasNext()) {
                    TrainingExample x = e.next();
                    checksum += x.pixels()[0] + x.caption().length();
                    n++;
                }
            }
            if (!(checksum == checksum)) {
                throw new IllegalStateException("NaN pixels in the data stream");
            }
            examples = n;
        }
    }

    /**
     * pool3 features of the FID Inception (pytorch-fid's network, deterministic reference weights: same shape, same
     * cost) for a batch of decoded covers: image to tensor, bilinear resize to 299x299, forward.
     */
    static final class FidFeatures extends Workload {
        private final NDManager manager;
        private final FidInceptionV3 inception;
        private final List<BufferedImage> images = new ArrayList<>();

        FidFeatures(NDManager root, Path covers, int batch) {
            manager = root.newSubManager();
            inception = FidInceptionV3.reference(manager, ReferenceWeights.SEED);
            try {
                for (int i = 0; images.size() < batch; i++) {
                    images.add(ImageIO.read(covers.resolve("images/images/" + i + ".jpg").toFile()));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        int units() {
            return images.size();
        }

        @Override
        void run() {
            inception.features(images);
        }

        @Override
        public void close() {
            inception.close();
            manager.close();
        }
    }

    /**
     * The Fréchet distance of two full-rank 2048-d statistics (the case of two .npz files), read from the .npz files
     * {@link SideBySide} makes once beside the covers ({@link #inputs}), as bench_reference.py reads them.
     */
    static final class Frechet extends Workload {
        private final ActivationStatistics a;
        private final ActivationStatistics b;

        Frechet(Path covers) {
            Path dir;
            try {
                dir = inputs(covers); // made by the driver already, unless the worker is driven by hand
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            a = ActivationStatistics.read(dir.resolve("a.npz"), 2048);
            b = ActivationStatistics.read(dir.resolve("b.npz"), 2048);
        }

        /**
         * The row's two statistics files, a.npz and b.npz beside the covers folder, made once (b.npz is written
         * last, each file atomically, so its presence means both are complete).
         */
        static Path inputs(Path covers) throws IOException {
            Path dir = covers.toAbsolutePath().resolveSibling("frechet-stats");
            if (!Files.isRegularFile(dir.resolve("b.npz"))) {
                Files.createDirectories(dir);
                stats(1).write(dir.resolve("a.npz"), false);
                stats(2).write(dir.resolve("b.npz"), false);
            }
            return dir;
        }

        /** Statistics of 2,100 pseudo-random 2048-d vectors (full rank), column j scaled by 1 + j % 5. */
        static ActivationStatistics stats(long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            float[][] f = new float[2100][2048];
            for (float[] row : f) {
                for (int j = 0; j < row.length; j++) {
                    row[j] = (float) (r.nextDouble() * (1 + j % 5));
                }
            }
            ActivationStatistics s = ActivationStatistics.of(f);
            return new ActivationStatistics(s.mu(), s.sigma(), s.dims(), s.count(), null);
        }

        @Override
        int units() {
            return 1;
        }

        @Override
        void run() {
            FrechetDistance.compute(a, b, FrechetDistance.EPS);
        }
    }
}
