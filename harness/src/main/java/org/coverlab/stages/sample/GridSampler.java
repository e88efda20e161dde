package org.coverlab.stages.sample;

import org.coverlab.stages.ModelProvenance;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.coverlab.diffusion.SchedulerKind;
import org.coverlab.model.pipeline.GeneratedImage;
import org.coverlab.model.pipeline.GenerationRequest;
import org.coverlab.model.pipeline.ImageGrid;
import org.coverlab.model.pipeline.TextToImagePipeline;
import org.coverlab.run.GridRecord;
import org.coverlab.run.RunJson;
import org.coverlab.diffusion.InitialLatents;
import org.coverlab.spec.Resolution;
import org.coverlab.spec.SampleSpec;
import org.coverlab.util.AtomicFiles;
import org.coverlab.util.Sha256;

/**
 * Draws one fixed-latent grid into a folder, a prompt row at a time: each row's images are written as PNGs before the
 * caller is told the row is done (and checkpoints), so an interrupted grid continues at the first unfinished row, and
 * the grid PNG is composed from the per-image files, so a resumed grid is byte-identical to an uninterrupted one.
 * Column c of every row starts from the latent of seed c ({@link InitialLatents}), the same at every checkpoint and in
 * every experiment.
 */
final class GridSampler {

    static final String GRID_PNG = "grid.png";
    static final String GRID_JSON = GridRecord.JSON;
    /** Images per UNet call (doubled by classifier-free guidance); fixed so the same spec gives the same bytes. */
    static final int MAX_BATCH = 4;

    /** Told after each finished row; the row's image files are complete on disk when it is called. */
    @FunctionalInterface
    interface RowListener {
        void rowDone(int rowsDone, double rowSeconds) throws IOException;
    }

    private final SampleSpec sample;
    private final Resolution resolution;
    private final int clipSkip;
    private final TextToImagePipeline pipeline;
    private final ModelProvenance model;

    ModelProvenance provenance() {
        return model;
    }

    GridSampler(SampleSpec sample, Resolution resolution, int clipSkip, TextToImagePipeline pipeline, ModelProvenance model) {
        this.sample = sample;
        this.resolution = resolution;
        this.clipSkip = clipSkip;
        this.pipeline = pipeline;
        this.model = model;
    }

    int rows() {
        return sample.prompts().size();
    }

    int batchSize() {
        return Math.min(MAX_BATCH, sample.seeds().size());
    }

    /** The sampler a spec's {@code sample.scheduler} names (the spec and diffusion share the keys). */
    static SchedulerKind schedulerKind(SampleSpec.Scheduler scheduler) {
        return SchedulerKind.fromKey(scheduler.key()).orElseThrow(
                () -> new IllegalStateException("sample.scheduler '" + scheduler.key() + "' has no sampler"));
    }

    /** Generates prompt row {@code row} and writes its images into {@code dir}; returns the seconds it took. */
    double drawRow(Path dir, int row, Runnable betweenSteps) throws IOException {
        long t0 = System.nanoTime();
        GenerationRequest request = new GenerationRequest(List.of(sample.prompts().get(row)), sample.seeds(),
                sample.steps(), (float) sample.guidanceScale(), schedulerKind(sample.scheduler()), resolution.width(),
                resolution.height(), clipSkip, batchSize());
        List<GeneratedImage> images = pipeline.generate(request, betweenSteps);
        double seconds = (System.nanoTime() - t0) / 1e9;
        for (int c = 0; c < images.size(); c++) {
            AtomicFiles.write(dir.resolve(imageFile(row, sample.seeds().get(c))), png(images.get(c).toBufferedImage()));
        }
        return seconds;
    }

    /** Composes grid.png from the row files and writes grid.json; every row must have been drawn. */
    GridRecord finish(Path dir, String label, long step, double seconds) throws IOException {
        List<GeneratedImage> images = new ArrayList<>();
        List<List<String>> files = new ArrayList<>();
        for (int r = 0; r < rows(); r++) {
            List<String> row = new ArrayList<>();
            for (long seed : sample.seeds()) {
                String name = imageFile(r, seed);
                row.add(name);
                images.add(read(dir.resolve(name), sample.prompts().get(r), seed));
            }
            files.add(row);
        }
        BufferedImage grid = ImageGrid.compose(images, rows(), sample.seeds().size());
        AtomicFiles.write(dir.resolve(GRID_PNG), png(grid));
        int factor = pipeline.models().vaeScaleFactor();
        int channels = pipeline.models().unet().config().inChannels();
        int latentH = resolution.height() / factor;
        int latentW = resolution.width() / factor;
        Map<String, String> latents = new LinkedHashMap<>();
        for (long seed : sample.seeds()) {
            latents.put(Long.toString(seed), latentSha256(seed, channels, latentH, latentW));
        }
        int count = rows() * sample.seeds().size();
        GridRecord record = new GridRecord(label, step, sample.prompts(), sample.seeds(), sample.scheduler().key(),
                sample.steps(), sample.guidanceScale(), resolution.width(), resolution.height(), clipSkip, batchSize(),
                List.of(1L, (long) channels, (long) latentH, (long) latentW), latents, RunJson.mapper().valueToTree(model), files, GRID_PNG,
                seconds, seconds / count);
        AtomicFiles.write(dir.resolve(GRID_JSON), RunJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(record));
        return record;
    }

    static String imageFile(int row, long seed) {
        return String.format(java.util.Locale.ROOT, "p%03d-s%d.png", row, seed);
    }

    /** SHA-256 of {@code torch.manual_seed(seed); torch.randn(1, channels, h, w)} as float32 little-endian bytes. */
    static String latentSha256(long seed, int channels, int height, int width) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray latent = InitialLatents.forSeed(m, seed, channels, height, width);
            return floatsSha256(latent.toFloatArray());
        }
    }

    static String floatsSha256(float[] values) {
        ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(values);
        return Sha256.ofBytes(buf.array());
    }

    /** Back to the generator's float form; 8-bit values survive (k / 255 * 255 rounds to k). */
    private static GeneratedImage read(Path file, String prompt, long seed) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + " is missing: the grid's rows must all be drawn before it is composed");
        }
        BufferedImage img = ImageIO.read(file.toFile());
        if (img == null) {
            throw new IOException(file + " is not a readable PNG");
        }
        return GeneratedImage.fromBufferedImage(prompt, seed, img);
    }

    private static byte[] png(BufferedImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(image, "png", out)) {
            throw new IOException("no PNG writer available");
        }
        return out.toByteArray();
    }
}
