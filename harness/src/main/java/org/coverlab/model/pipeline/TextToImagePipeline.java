package org.coverlab.model.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.coverlab.model.StableDiffusionModels;
import org.coverlab.model.nn.NoGrad;
import org.coverlab.model.tokenizer.ClipTokenizer;
import org.coverlab.diffusion.ClassifierFreeGuidance;
import org.coverlab.diffusion.InitialLatents;
import org.coverlab.diffusion.Scheduler;
import org.coverlab.diffusion.SchedulerConfig;
import org.coverlab.diffusion.Schedulers;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Text-to-image sampling as diffusers' StableDiffusionPipeline does it: CLIP text states, classifier-free guidance
 * against the empty prompt (unconditional half first), per-seed initial latents, scheduler loop, VAE decode.
 *
 * <p>Runs with autograd recording off (parameters may be trainable mid-training) and frees each denoising step's
 * arrays with a per-step sub-manager, so memory stays flat however many steps run.
 */
public final class TextToImagePipeline implements AutoCloseable {
    private final StableDiffusionModels models;
    private final ClipTokenizer tokenizer;
    private final SchedulerConfig schedulerConfig;
    private final boolean ownsModels;

    public TextToImagePipeline(StableDiffusionModels models, ClipTokenizer tokenizer, SchedulerConfig schedulerConfig) {
        this(models, tokenizer, schedulerConfig, false);
    }

    private TextToImagePipeline(StableDiffusionModels models, ClipTokenizer tokenizer, SchedulerConfig schedulerConfig,
                                boolean ownsModels) {
        if (tokenizer.vocabSize() > models.textEncoder().config().vocabSize()) {
            throw new IllegalArgumentException("tokenizer has " + tokenizer.vocabSize() + " tokens but the text encoder "
                    + "only " + models.textEncoder().config().vocabSize() + " embeddings");
        }
        if (tokenizer.maxLength() > models.textEncoder().config().maxPositions()) {
            throw new IllegalArgumentException("tokenizer pads to " + tokenizer.maxLength() + " tokens but the text "
                    + "encoder has only " + models.textEncoder().config().maxPositions() + " positions");
        }
        this.models = models;
        this.tokenizer = tokenizer;
        this.schedulerConfig = schedulerConfig;
        this.ownsModels = ownsModels;
    }

    /**
     * The cheap checks of {@link #load}'s input, without loading any weights: the networks' configs and safetensors
     * headers ({@link StableDiffusionModels#checkFiles}), the tokenizer and the scheduler config. Throws the loaders'
     * bad-input exceptions; used before a run is created.
     */
    public static void checkFiles(Path folder) {
        StableDiffusionModels.checkFiles(folder);
        ClipTokenizer.load(folder.resolve("tokenizer"));
        SchedulerConfig.read(folder.resolve("scheduler").resolve("scheduler_config.json"));
    }

    /** A diffusers Stable Diffusion folder: model_index.json, text_encoder/, unet/, vae/, tokenizer/, scheduler/. */
    public static TextToImagePipeline load(Path folder, NDManager manager) {
        ClipTokenizer tokenizer = ClipTokenizer.load(folder.resolve("tokenizer"));
        SchedulerConfig scheduler = SchedulerConfig.read(folder.resolve("scheduler").resolve("scheduler_config.json"));
        return new TextToImagePipeline(StableDiffusionModels.load(folder, manager), tokenizer, scheduler, true);
    }

    public StableDiffusionModels models() {
        return models;
    }

    public ClipTokenizer tokenizer() {
        return tokenizer;
    }

    /** The model folder's scheduler_config.json: its noise schedule and prediction type also define training. */
    public SchedulerConfig schedulerConfig() {
        return schedulerConfig;
    }

    /** Images in row-major grid order: prompt 0 with every seed, then prompt 1, ... */
    public List<GeneratedImage> generate(GenerationRequest request) {
        return generate(request, () -> { });
    }

    /**
     * As {@link #generate(GenerationRequest)}, calling {@code betweenSteps} before every denoising step: a run passes
     * its cancellation check, so a stop lands within one UNet call (whatever it throws ends generation, and every
     * tensor is released).
     */
    public List<GeneratedImage> generate(GenerationRequest request, Runnable betweenSteps) {
        List<String> prompts = new ArrayList<>();
        List<Long> seeds = new ArrayList<>();
        for (String p : request.prompts()) {
            for (long s : request.seeds()) {
                prompts.add(p);
                seeds.add(s);
            }
        }
        return generateAll(request, prompts, seeds, betweenSteps);
    }

    /**
     * One image per pair (prompts[i], seeds[i]), {@code settings.batchSize()} pairs per UNet call; the settings'
     * own prompt and seed lists are not used. Evaluation sets draw a different prompt for every image this way.
     * {@code betweenSteps} runs before every denoising step, as in {@link #generate(GenerationRequest, Runnable)}.
     */
    public List<GeneratedImage> generatePairs(List<String> prompts, List<Long> seeds, GenerationRequest settings,
                                              Runnable betweenSteps) {
        if (prompts.size() != seeds.size()) {
            throw new IllegalArgumentException(prompts.size() + " prompts but " + seeds.size() + " seeds");
        }
        return generateAll(settings, prompts, seeds, betweenSteps);
    }

    /** The (prompt, seed) pairs in order, batchSize pairs per UNet call, with no gradients recorded. */
    private List<GeneratedImage> generateAll(GenerationRequest request, List<String> prompts, List<Long> seeds,
                                             Runnable betweenSteps) {
        int factor = models.vaeScaleFactor();
        if (request.width() % factor != 0 || request.height() % factor != 0) {
            throw new IllegalArgumentException("image size " + request.width() + "x" + request.height()
                    + " must be a multiple of the VAE's downscale factor " + factor);
        }
        return NoGrad.run(() -> {
            List<GeneratedImage> out = new ArrayList<>();
            try (NDManager run = models.unet().params().manager().newSubManager()) {
                ClassifierFreeGuidance cfg = new ClassifierFreeGuidance(request.guidanceScale());
                NDArray uncond = cfg.enabled() ? encode(run, List.of(""), request.clipSkip()) : null;
                for (int start = 0; start < prompts.size(); start += request.batchSize()) {
                    int end = Math.min(prompts.size(), start + request.batchSize());
                    out.addAll(generateBatch(run, request, cfg, uncond, prompts.subList(start, end),
                            seeds.subList(start, end), betweenSteps));
                }
            }
            return out;
        });
    }

    private List<GeneratedImage> generateBatch(NDManager run, GenerationRequest r, ClassifierFreeGuidance cfg,
                                               NDArray uncond, List<String> prompts, List<Long> seeds,
                                               Runnable betweenSteps) {
        int batch = prompts.size();
        int factor = models.vaeScaleFactor();
        try (NDManager bm = run.newSubManager();
             Scheduler scheduler = Schedulers.create(r.scheduler(), schedulerConfig, seeds.get(0))) {
            NDArray cond = encode(bm, prompts, r.clipSkip());
            NDArray context = cond;
            if (cfg.enabled()) {
                NDArray uncondBatch = uncond.repeat(0, batch);
                uncondBatch.attach(bm);
                context = NDArrays.concat(new NDList(uncondBatch, cond), 0);
            }
            int channels = models.unet().config().inChannels();
            NDArray x = InitialLatents.forSeeds(bm, seeds, channels, r.height() / factor, r.width() / factor);
            scheduler.setTimesteps(r.steps());
            if (scheduler.initNoiseSigma() != 1f) {
                x = x.mul(scheduler.initNoiseSigma());
            }
            for (float t : scheduler.timesteps()) {
                betweenSteps.run();
                try (NDManager step = bm.newSubManager()) {
                    NDArray in = scheduler.scaleModelInput(x, t);
                    in.attach(step);
                    NDArray modelIn = cfg.enabled() ? ClassifierFreeGuidance.doubleBatch(in) : in;
                    NDArray timesteps = step.full(new Shape(modelIn.getShape().get(0)), t);
                    NDArray eps = models.unet().forward(modelIn, timesteps, context);
                    if (cfg.enabled()) {
                        eps = cfg.combineBatched(eps);
                    }
                    NDArray next = scheduler.step(eps, t, x);
                    x.close();
                    x = next;
                }
            }
            return decode(bm, x, prompts, seeds);
        }
    }

    private NDArray encode(NDManager manager, List<String> prompts, int clipSkip) {
        NDArray ids = tokenizer.encodeBatch(prompts).inputIds(manager);
        return models.textEncoder().encode(ids, clipSkip);
    }

    private List<GeneratedImage> decode(NDManager bm, NDArray latents, List<String> prompts, List<Long> seeds) {
        try (NDManager m = bm.newSubManager()) {
            latents.tempAttach(m);
            NDArray image = models.vae().decodeScaled(latents).div(2f).add(0.5f).clip(0f, 1f).transpose(0, 2, 3, 1);
            int h = (int) image.getShape().get(1);
            int w = (int) image.getShape().get(2);
            float[] all = image.toFloatArray();
            List<GeneratedImage> out = new ArrayList<>();
            int per = h * w * 3;
            for (int i = 0; i < prompts.size(); i++) {
                float[] rgb = new float[per];
                System.arraycopy(all, i * per, rgb, 0, per);
                out.add(new GeneratedImage(prompts.get(i), seeds.get(i), w, h, rgb));
            }
            return out;
        }
    }

    @Override
    public void close() {
        if (ownsModels) {
            models.close();
        }
    }
}
