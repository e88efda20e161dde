package org.coverlab.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;

/**
 * libtorch's fused kernels that DJL's public API wraps too narrowly, called on DJL's own JNI entry points
 * ({@code ai.djl.pytorch.jni.PyTorchLibrary}, package-private in DJL 0.36). DJL's {@code JniUtils.layerNorm}
 * insists on an affine weight and bias; the native function accepts none, which is what lets GroupNorm use
 * {@code native_layer_norm} on a (N, G, C/G*H*W) view without allocating a ones/zeros pair per call. One op and
 * one backward node instead of seven of each. Results live in the input's manager, as with any DJL op.
 */
public final class Native {
    private static final long NULL = 0L;
    private static final Object LIB;
    private static final MethodHandle LAYER_NORM;

    static {
        try {
            Class<?> lib = Class.forName("ai.djl.pytorch.jni.PyTorchLibrary");
            Field f = lib.getDeclaredField("LIB");
            f.setAccessible(true);
            LIB = f.get(null);
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            var m = lib.getDeclaredMethod("torchNNLayerNorm", long.class, long[].class, long.class, long.class,
                    double.class);
            m.setAccessible(true);
            LAYER_NORM = lookup.unreflect(m).asType(MethodType.methodType(long.class, Object.class, long.class,
                    long[].class, long.class, long.class, double.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new ExceptionInInitializerError("DJL's PyTorch JNI bindings are not the expected version (0.36): "
                    + e);
        }
    }

    private Native() {
    }

    /** torch.nn.functional.layer_norm(x, normalizedShape) with no affine weight or bias. */
    public static NDArray layerNorm(NDArray x, long[] normalizedShape, double eps) {
        PtNDArray in = (PtNDArray) x;
        long input = in.getHandle();
        try {
            long handle = (long) LAYER_NORM.invokeExact(LIB, input, normalizedShape, NULL, NULL, eps);
            return new PtNDArray((PtNDManager) in.getManager(), handle);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
