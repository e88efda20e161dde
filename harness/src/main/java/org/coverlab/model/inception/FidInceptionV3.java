package org.coverlab.model.inception;

import org.coverlab.model.nn.NoGrad;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.coverlab.model.features.FeatureExtractor;
import org.coverlab.model.features.ImageTensors;
import org.coverlab.model.nn.BlockScope;
import org.coverlab.model.nn.ParamStore;
import org.coverlab.model.nn.Scope;
import org.coverlab.util.Sha256;

/**
 * The InceptionV3 that FID is defined with: pytorch-fid's {@code fid_inception_v3} (torchvision's InceptionV3 with the
 * FIDInceptionA/C/E blocks of the TensorFlow graph), up to the 2048-dimensional pool3 features. Inputs are prepared as
 * pytorch-fid does ({@link ImageTensors#fidInput}: [0, 1], bilinear to 299x299 without antialiasing, 2x - 1).
 *
 * <p>Weights come from a safetensors conversion of pytorch-fid's {@code pt_inception-2015-12-05-6726825d.pth}
 * ({@code scripts/convert_fid_inception.py}); the state-dict keys are torchvision's ({@code Mixed_5b.branch1x1.conv.weight},
 * {@code Mixed_5b.branch1x1.bn.running_var}, ...). Loading is strict: every missing or misshapen key is named and
 * nothing is loaded. The 1008-class {@code fc} head and {@code num_batches_tracked} counters may be present and are
 * ignored, since FID stops at pool3.
 */
public final class FidInceptionV3 implements FeatureExtractor {

    public static final String NAME = "inception-v3-fid";
    public static final int DIMS = 2048;
    public static final int INPUT_SIZE = 299;
    /** File name the converter writes and the harness looks for in the models folder. */
    public static final String WEIGHTS_FILE = "pt_inception-2015-12-05-6726825d.safetensors";

    private static final Shape K3 = new Shape(3, 3);
    private static final Shape S2 = new Shape(2, 2);
    private static final Shape P0 = new Shape(0, 0);

    private final ParamStore params;
    private final BasicConv2d conv1a;
    private final BasicConv2d conv2a;
    private final BasicConv2d conv2b;
    private final BasicConv2d conv3b;
    private final BasicConv2d conv4a;
    private final InceptionBlocks.A mixed5b;
    private final InceptionBlocks.A mixed5c;
    private final InceptionBlocks.A mixed5d;
    private final InceptionBlocks.B mixed6a;
    private final InceptionBlocks.C mixed6b;
    private final InceptionBlocks.C mixed6c;
    private final InceptionBlocks.C mixed6d;
    private final InceptionBlocks.C mixed6e;
    private final InceptionBlocks.D mixed7a;
    private final InceptionBlocks.E mixed7b;
    private final InceptionBlocks.E mixed7c;
    private String weightsSha256 = "";
    private String source = "";

    private FidInceptionV3(NDManager manager) {
        params = new ParamStore(manager);
        Scope r = params.root();
        conv1a = new BasicConv2d(r.child("Conv2d_1a_3x3"), 3, 32, 3, 2, 0);
        conv2a = new BasicConv2d(r.child("Conv2d_2a_3x3"), 32, 32, 3, 1, 0);
        conv2b = new BasicConv2d(r.child("Conv2d_2b_3x3"), 32, 64, 3, 1, 1);
        conv3b = new BasicConv2d(r.child("Conv2d_3b_1x1"), 64, 80, 1, 1, 0);
        conv4a = new BasicConv2d(r.child("Conv2d_4a_3x3"), 80, 192, 3, 1, 0);
        mixed5b = new InceptionBlocks.A(r.child("Mixed_5b"), 192, 32);
        mixed5c = new InceptionBlocks.A(r.child("Mixed_5c"), 256, 64);
        mixed5d = new InceptionBlocks.A(r.child("Mixed_5d"), 288, 64);
        mixed6a = new InceptionBlocks.B(r.child("Mixed_6a"), 288);
        mixed6b = new InceptionBlocks.C(r.child("Mixed_6b"), 768, 128);
        mixed6c = new InceptionBlocks.C(r.child("Mixed_6c"), 768, 160);
        mixed6d = new InceptionBlocks.C(r.child("Mixed_6d"), 768, 160);
        mixed6e = new InceptionBlocks.C(r.child("Mixed_6e"), 768, 192);
        mixed7a = new InceptionBlocks.D(r.child("Mixed_7a"), 768);
        mixed7b = new InceptionBlocks.E(r.child("Mixed_7b"), 1280, false);
        mixed7c = new InceptionBlocks.E(r.child("Mixed_7c"), 2048, true);
    }

    /** Loads converted pytorch-fid weights; a file with missing or misshapen keys is refused, naming them. */
    public static FidInceptionV3 load(Path safetensors, NDManager manager) {
        if (!Files.isRegularFile(safetensors)) {
            throw new IllegalArgumentException(safetensors + ": no such file (convert pytorch-fid's "
                    + "pt_inception-2015-12-05-6726825d.pth with scripts/convert_fid_inception.py)");
        }
        FidInceptionV3 model = new FidInceptionV3(manager);
        try {
            model.params.load(safetensors, k -> k, FidInceptionV3::ignoredKey);
            model.weightsSha256 = Sha256.ofFile(safetensors);
            model.source = safetensors.toString();
        } catch (IOException e) {
            model.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        return model;
    }

    /** The network with {@link ReferenceWeights} (conformance tests; the same values the Python script makes). */
    public static FidInceptionV3 reference(NDManager manager, long seed) {
        FidInceptionV3 model = new FidInceptionV3(manager);
        model.params.fill((name, shape) -> ReferenceWeights.values(name, shape, seed));
        model.weightsSha256 = Sha256.ofText("coverlab reference weights, seed " + seed);
        model.source = "deterministic reference weights (seed " + seed + ")";
        return model;
    }

    /** Writes the weights as safetensors, under the key names a converted pytorch-fid file has (tests, tooling). */
    public void save(Path safetensors) {
        params.save(safetensors);
    }

    /** Parameter names and shapes (what a converted file must hold). */
    public static java.util.Map<String, long[]> layout() {
        try (NDManager m = NDManager.newBaseManager(); FidInceptionV3 model = new FidInceptionV3(m)) {
            return model.params.layout();
        }
    }

    static boolean ignoredKey(String key) {
        return key.startsWith("fc.") || key.endsWith(".num_batches_tracked");
    }

    /** pool3 features (N, 2048) of images already in [-1, 1] at 299x299 (or any size the network accepts). */
    public NDArray forward(NDArray x) {
        NDArray h = BlockScope.run(x, null, in -> Pool.maxPool2d(conv2b.forward(conv2a.forward(conv1a.forward(in))), K3, S2, P0, false));
        h = BlockScope.run(h, null, in -> Pool.maxPool2d(conv4a.forward(conv3b.forward(in)), K3, S2, P0, false));
        h = BlockScope.run(h, null, mixed5b::forward);
        h = BlockScope.run(h, null, mixed5c::forward);
        h = BlockScope.run(h, null, mixed5d::forward);
        h = BlockScope.run(h, null, mixed6a::forward);
        h = BlockScope.run(h, null, mixed6b::forward);
        h = BlockScope.run(h, null, mixed6c::forward);
        h = BlockScope.run(h, null, mixed6d::forward);
        h = BlockScope.run(h, null, mixed6e::forward);
        h = BlockScope.run(h, null, mixed7a::forward);
        h = BlockScope.run(h, null, mixed7b::forward);
        h = BlockScope.run(h, null, mixed7c::forward);
        return Pool.globalAvgPool2d(h).reshape(h.getShape().get(0), DIMS);
    }

    @Override
    public float[][] features(List<BufferedImage> images) {
        return NoGrad.run(() -> {
            try (NDManager m = params.manager().newSubManager()) {
                NDArray x = ImageTensors.fidInput(m, images, INPUT_SIZE, INPUT_SIZE);
                return FeatureExtractor.rows(forward(x).toFloatArray(), images.size(), DIMS);
            }
        });
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int dims() {
        return DIMS;
    }

    @Override
    public String weightsSha256() {
        return weightsSha256;
    }

    @Override
    public String metricSuffix() {
        return "";
    }

    @Override
    public int batchSize() {
        return 8;
    }

    @Override
    public String description() {
        return "FID InceptionV3 (pytorch-fid, pool3, 2048-d) from " + source;
    }

    @Override
    public void close() {
        params.close();
    }
}
