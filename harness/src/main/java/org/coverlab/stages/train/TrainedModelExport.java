package org.coverlab.stages.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.coverlab.model.io.NDArrays;
import org.coverlab.model.io.SafeTensors;
import org.coverlab.model.io.TensorDType;
import org.coverlab.model.io.TensorEntry;
import org.coverlab.run.Checkpoint;
import org.coverlab.run.Checkpoints;
import org.coverlab.run.RunDir;
import org.coverlab.util.AtomicFiles;

/**
 * A full diffusers folder from a training checkpoint: the base model's folder (tokenizer, scheduler, VAE and the
 * frozen networks) with the trained components replaced by the checkpoint's weights, EMA weights when the run kept
 * an EMA (as diffusers' train_text_to_image saves its final pipeline). Written into a temporary sibling and renamed.
 */
public final class TrainedModelExport {
    private TrainedModelExport() {
    }

    /** The training checkpoint at {@code step}, or the latest one when step is null. */
    public static Checkpoint checkpoint(RunDir run, Long step) throws IOException {
        List<Checkpoint> train = new ArrayList<>();
        for (Checkpoint c : new Checkpoints(run.checkpoints(), java.time.Clock.systemUTC()).list()) {
            if (c.stage().equals(TrainStage.NAME)) {
                train.add(c);
            }
        }
        if (train.isEmpty()) {
            throw new IllegalArgumentException("run " + run.id() + " has no training checkpoint");
        }
        if (step == null) {
            return train.stream().max(java.util.Comparator.comparingLong(Checkpoint::step)).orElseThrow();
        }
        return train.stream().filter(c -> c.step() == step).findFirst().orElseThrow(() ->
                new IllegalArgumentException("run " + run.id() + " has no training checkpoint at step " + step
                        + "; it keeps " + train.stream().map(Checkpoint::step).toList()));
    }

    public static void export(Checkpoint c, Path out) throws IOException {
        Path base = Path.of(String.valueOf(c.state().get("base_folder")));
        if (!Files.isRegularFile(base.resolve("model_index.json"))) {
            throw new IllegalArgumentException("the run's base model folder " + base + " is gone; it is needed for "
                    + "the frozen parts (VAE, tokenizer, scheduler)");
        }
        @SuppressWarnings("unchecked")
        List<String> components = (List<String>) c.state().get("components");
        Path tmp = out.resolveSibling("." + out.getFileName() + ".export-tmp");
        AtomicFiles.deleteTree(tmp);
        copyTree(base, tmp);
        Map<String, TensorEntry> ema = new HashMap<>();
        Path emaFile = c.dir().resolve(TrainStage.EMA_FILE);
        if (Files.isRegularFile(emaFile)) {
            SafeTensors.readAll(emaFile).forEach(e -> ema.put(e.name(), e));
        }
        for (String component : components) {
            Path from = c.dir().resolve(component);
            Path to = tmp.resolve(component);
            AtomicFiles.deleteTree(to);
            copyTree(from, to);
            if (!ema.isEmpty()) {
                try (Stream<Path> files = Files.list(from)) {
                    for (Path f : files.filter(p -> p.toString().endsWith(".safetensors")).toList()) {
                        withEma(f, to.resolve(f.getFileName()), ema);
                    }
                }
            }
        }
        AtomicFiles.fsyncTree(tmp);
        AtomicFiles.deleteTree(out);
        AtomicFiles.move(tmp, out);
    }

    /** Rewrites a weights file with each tensor the EMA averaged replaced by its average, in the file's dtype. */
    private static void withEma(Path source, Path target, Map<String, TensorEntry> ema) {
        SafeTensors.Header header = SafeTensors.readHeader(source);
        List<TensorEntry> out = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager()) {
            for (TensorEntry t : SafeTensors.readAll(source)) {
                TensorEntry avg = ema.get(t.name());
                if (avg == null || !t.dtype().isFloating()) {
                    out.add(t);
                    continue;
                }
                NDArray values = NDArrays.toFloat32(m, avg).reshape(t.shape());
                ByteBuffer data = t.dtype() == TensorDType.F32 ? values.toByteBuffer()
                        : values.toType(t.dtype().djl(), true).toByteBuffer();
                ByteBuffer copy = ByteBuffer.allocate(data.remaining()).order(ByteOrder.LITTLE_ENDIAN);
                copy.put(data.order(ByteOrder.LITTLE_ENDIAN)).flip();
                out.add(new TensorEntry(t.name(), t.dtype(), t.shape(), copy));
            }
        }
        SafeTensors.write(target, header.metadata(), out);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path dest = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
