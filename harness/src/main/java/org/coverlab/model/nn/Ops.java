package org.coverlab.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;

/** Stateless tensor functions shared by the models. Results live in the activation's NDManager. */
public final class Ops {
    private Ops() {
    }

    /**
     * A view of a parameter (e.g. reshaped for broadcasting) moved into the activation's manager: DJL attaches
     * results to the first operand's manager, and views of parameters would otherwise pile up in the model's
     * manager step after step. Closing a view never frees the parameter's storage.
     */
    public static NDArray scoped(NDArray activation, NDArray view) {
        NDManager m = activation.getManager();
        if (view.getManager() != m) {
            view.attach(m);
        }
        return view;
    }

    /**
     * {@code x * s}, safe under autograd. Never {@code NDArray.mul(Number)} on anything that may need a gradient:
     * DJL wraps the number in a tensor over a Java direct buffer and closes it at once, while autograd saves that
     * tensor for backward (d(x*s)/dx = s). Once the garbage collector frees the buffer, backward reads freed
     * memory, and the gradient is garbage or NaN now and then, depending on when the collector ran (#10). This
     * scalar is allocated by libtorch, so the graph's reference keeps it alive. (add/sub with a number save
     * nothing and are safe.)
     */
    public static NDArray mul(NDArray x, float s) {
        try (NDArray k = scalar(x, s)) {
            return x.mul(k);
        }
    }

    /** {@code x / s}, safe under autograd (see {@link #mul(NDArray, float)}). */
    public static NDArray div(NDArray x, float s) {
        try (NDArray k = scalar(x, s)) {
            return x.div(k);
        }
    }

    private static NDArray scalar(NDArray like, float s) {
        return like.getManager().full(new Shape(), s, like.getDataType());
    }

    /**
     * Integer constants in libtorch-owned memory. {@code NDManager.create(long[])} shares a Java direct buffer that
     * lives only as long as its NDArray handle; index tensors are saved by autograd for backward, and these are
     * created inside block scopes whose handles close before backward runs.
     */
    public static NDArray indices(NDManager m, long[] values) {
        try (NDArray shared = m.create(values)) {
            return shared.duplicate();
        }
    }

    public static NDArray silu(NDArray x) {
        return x.mul(Activation.sigmoid(x));
    }

    /** Exact (erf) GELU, PyTorch's default. */
    public static NDArray gelu(NDArray x) {
        return Activation.gelu(x);
    }

    /** OpenAI CLIP's x * sigmoid(1.702 x). */
    public static NDArray quickGelu(NDArray x) {
        return x.mul(Activation.sigmoid(mul(x, 1.702f)));
    }

    public static NDArray activation(String name, NDArray x) {
        return switch (name) {
            case "quick_gelu" -> quickGelu(x);
            case "gelu" -> gelu(x);
            case "silu", "swish" -> silu(x);
            default -> throw new IllegalArgumentException("unsupported activation '" + name + "'");
        };
    }

    /**
     * Nearest-neighbour resize of NCHW to (h, w) with PyTorch's 'nearest' index rule src = floor(dst * in / out),
     * so odd skip-connection sizes line up as in diffusers.
     */
    public static NDArray nearestResize(NDArray x, long h, long w) {
        long inH = x.getShape().get(2);
        long inW = x.getShape().get(3);
        if (h == 2 * inH && w == 2 * inW) {
            long n = x.getShape().get(0);
            long c = x.getShape().get(1);
            return x.reshape(n, c, inH, 1, inW, 1).repeat(3, 2).repeat(5, 2).reshape(n, c, h, w);
        }
        NDManager m = x.getManager();
        NDArray rows = indices(m, nearestIndex(inH, h));
        NDArray cols = indices(m, nearestIndex(inW, w));
        return x.get(new ai.djl.ndarray.index.NDIndex(":, :, {}", rows)).get(new ai.djl.ndarray.index.NDIndex(":, :, :, {}", cols));
    }

    private static long[] nearestIndex(long in, long out) {
        long[] idx = new long[(int) out];
        float scale = (float) in / out;
        for (int i = 0; i < out; i++) {
            idx[i] = Math.min((long) Math.floor(i * scale), in - 1);
        }
        return idx;
    }
}
