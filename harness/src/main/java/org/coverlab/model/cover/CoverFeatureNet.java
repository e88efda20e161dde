package org.coverlab.model.cover;

import org.coverlab.model.nn.NoGrad;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import ai.djl.nn.pooling.Pool;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.coverlab.model.features.FeatureExtractor;
import org.coverlab.model.features.ImageTensors;
import org.coverlab.model.nn.Conv2d;
import org.coverlab.model.nn.GroupNorm;
import org.coverlab.model.nn.Linear;
import org.coverlab.model.nn.ParamStore;
import org.coverlab.model.nn.Scope;
import org.coverlab.util.Sha256;

/**
 * The cover-feature extractor of the embedded default: a small CNN (stride-2 3x3 convolutions with GroupNorm and ReLU,
 * global average pooling) trained by {@code metrics.cover.CoverFeatureTrainer} to tell the synthetic covers' ten genres apart. Its
 * pooled activations are the features; scores computed with them are {@code fid_cover}/{@code kid_cover}, never
 * {@code fid}. Inputs are prepared like the Inception's ([0, 1], bilinear resize, 2x - 1), at {@code inputSize}.
 */
public final class CoverFeatureNet implements FeatureExtractor {

    public static final String NAME = "cover-cnn";
    public static final String WEIGHTS = "cover_cnn.safetensors";

    private final CoverFeatureConfig config;
    private final ParamStore params;
    private final List<Conv2d> convs = new ArrayList<>();
    private final List<GroupNorm> norms = new ArrayList<>();
    private final Linear classifier;
    private final int classes;
    private String weightsSha256 = "";
    private String source = "";
    private String accuracyNote = "";

    /** An untrained network (parameters declared, not yet initialised). */
    public CoverFeatureNet(CoverFeatureConfig config, int classes, NDManager manager) {
        this.config = config;
        this.classes = classes;
        params = new ParamStore(manager);
        Scope r = params.root();
        long in = 3;
        for (int i = 0; i < config.channels().size(); i++) {
            long out = config.channels().get(i);
            convs.add(new Conv2d(r.child("convs").child(i), in, out, 3, 2, 1));
            norms.add(new GroupNorm(r.child("norms").child(i), config.groups(), out, 1e-5f));
            in = out;
        }
        classifier = new Linear(r.child("classifier"), in, classes, true);
    }

    /** Loads a trained network written by {@link #save}. */
    public static CoverFeatureNet load(Path folder, CoverFeatureConfig config, int classes, NDManager manager, String note) {
        CoverFeatureNet net = new CoverFeatureNet(config, classes, manager);
        try {
            Path file = folder.resolve(WEIGHTS);
            net.params.load(file, k -> k, k -> false);
            net.weightsSha256 = Sha256.ofFile(file);
            net.source = folder.toString();
            net.accuracyNote = note;
        } catch (IOException e) {
            net.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            net.close();
            throw e;
        }
        return net;
    }

    public void save(Path folder) {
        params.save(folder.resolve(WEIGHTS));
    }

    public ParamStore params() {
        return params;
    }

    public CoverFeatureConfig config() {
        return config;
    }

    /** Pooled features (N, dims) of inputs in [-1, 1] at inputSize x inputSize. */
    public NDArray embed(NDArray x) {
        NDArray h = x;
        for (int i = 0; i < convs.size(); i++) {
            h = Activation.relu(norms.get(i).forward(convs.get(i).forward(h)));
        }
        return Pool.globalAvgPool2d(h).reshape(h.getShape().get(0), config.dims());
    }

    /** Genre logits (N, classes). */
    public NDArray logits(NDArray x) {
        return classifier.forward(embed(x));
    }

    NDArray input(NDManager m, List<BufferedImage> images) {
        return ImageTensors.fidInput(m, images, config.inputSize(), config.inputSize());
    }

    @Override
    public float[][] features(List<BufferedImage> images) {
        return NoGrad.run(() -> {
            try (NDManager m = params.manager().newSubManager()) {
                return FeatureExtractor.rows(embed(input(m, images)).toFloatArray(), images.size(), config.dims());
            }
        });
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int dims() {
        return config.dims();
    }

    @Override
    public String weightsSha256() {
        return weightsSha256;
    }

    @Override
    public String metricSuffix() {
        return "_cover";
    }

    @Override
    public int batchSize() {
        return 64;
    }

    @Override
    public String description() {
        return "cover-feature CNN (" + config.dims() + "-d, trained on synthetic cover genres" + accuracyNote + ") from "
                + source + "; scores are fid_cover/kid_cover, not standard FID";
    }

    @Override
    public void close() {
        params.close();
    }
}
