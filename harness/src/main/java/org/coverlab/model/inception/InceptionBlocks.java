package org.coverlab.model.inception;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import org.coverlab.model.nn.Scope;

/**
 * The mixed blocks of the FID Inception (torchvision's InceptionA..E as pytorch-fid patches them). The patches: the
 * A, C and first E blocks average-pool without counting the zero padding (TensorFlow's pooling), and the last E block
 * max-pools instead. Each block concatenates its branches along channels in torchvision's order.
 */
final class InceptionBlocks {
    private InceptionBlocks() {
    }

    private static final Shape K3 = new Shape(3, 3);
    private static final Shape S1 = new Shape(1, 1);
    private static final Shape S2 = new Shape(2, 2);
    private static final Shape P0 = new Shape(0, 0);
    private static final Shape P1 = new Shape(1, 1);

    /**
     * 3x3 average pool, stride 1, padding 1, padded zeros not counted ({@code count_include_pad=False}). DJL 0.36's
     * PyTorch engine ignores its countIncludePad flag (always counts the padding), so the zero-counting average is
     * divided by the share of real pixels in each window, the same pool applied to ones.
     */
    static NDArray avgPoolTf(NDArray x) {
        NDArray counted = Pool.avgPool2d(x, K3, S1, P1, false, true);
        Shape s = x.getShape();
        NDArray share = Pool.avgPool2d(x.getManager().ones(new Shape(1, 1, s.get(2), s.get(3))), K3, S1, P1, false, true);
        return counted.div(share);
    }

    static NDArray maxPool3s2(NDArray x) {
        return Pool.maxPool2d(x, K3, S2, P0, false);
    }

    static NDArray cat(NDArray... parts) {
        return NDArrays.concat(new NDList(parts), 1);
    }

    /** FIDInceptionA: 1x1 | 1x1-5x5 | 1x1-3x3-3x3 | avgpool-1x1. */
    static final class A {
        private final BasicConv2d b1x1, b5x5_1, b5x5_2, dbl1, dbl2, dbl3, pool;

        A(Scope s, long in, long poolFeatures) {
            b1x1 = new BasicConv2d(s.child("branch1x1"), in, 64, 1, 1, 0);
            b5x5_1 = new BasicConv2d(s.child("branch5x5_1"), in, 48, 1, 1, 0);
            b5x5_2 = new BasicConv2d(s.child("branch5x5_2"), 48, 64, 5, 1, 2);
            dbl1 = new BasicConv2d(s.child("branch3x3dbl_1"), in, 64, 1, 1, 0);
            dbl2 = new BasicConv2d(s.child("branch3x3dbl_2"), 64, 96, 3, 1, 1);
            dbl3 = new BasicConv2d(s.child("branch3x3dbl_3"), 96, 96, 3, 1, 1);
            pool = new BasicConv2d(s.child("branch_pool"), in, poolFeatures, 1, 1, 0);
        }

        NDArray forward(NDArray x) {
            return cat(b1x1.forward(x), b5x5_2.forward(b5x5_1.forward(x)),
                    dbl3.forward(dbl2.forward(dbl1.forward(x))), pool.forward(avgPoolTf(x)));
        }
    }

    /** InceptionB (grid reduction): 3x3/2 | 1x1-3x3-3x3/2 | maxpool/2. */
    static final class B {
        private final BasicConv2d b3x3, dbl1, dbl2, dbl3;

        B(Scope s, long in) {
            b3x3 = new BasicConv2d(s.child("branch3x3"), in, 384, 3, 2, 0);
            dbl1 = new BasicConv2d(s.child("branch3x3dbl_1"), in, 64, 1, 1, 0);
            dbl2 = new BasicConv2d(s.child("branch3x3dbl_2"), 64, 96, 3, 1, 1);
            dbl3 = new BasicConv2d(s.child("branch3x3dbl_3"), 96, 96, 3, 2, 0);
        }

        NDArray forward(NDArray x) {
            return cat(b3x3.forward(x), dbl3.forward(dbl2.forward(dbl1.forward(x))), maxPool3s2(x));
        }
    }

    /** FIDInceptionC: 1x1 | 1x1-1x7-7x1 | 1x1-7x1-1x7-7x1-1x7 | avgpool-1x1. */
    static final class C {
        private final BasicConv2d b1x1, b7_1, b7_2, b7_3, d1, d2, d3, d4, d5, pool;

        C(Scope s, long in, long c7) {
            b1x1 = new BasicConv2d(s.child("branch1x1"), in, 192, 1, 1, 0);
            b7_1 = new BasicConv2d(s.child("branch7x7_1"), in, c7, 1, 1, 0);
            b7_2 = new BasicConv2d(s.child("branch7x7_2"), c7, c7, 1, 7, 1, 0, 3);
            b7_3 = new BasicConv2d(s.child("branch7x7_3"), c7, 192, 7, 1, 1, 3, 0);
            d1 = new BasicConv2d(s.child("branch7x7dbl_1"), in, c7, 1, 1, 0);
            d2 = new BasicConv2d(s.child("branch7x7dbl_2"), c7, c7, 7, 1, 1, 3, 0);
            d3 = new BasicConv2d(s.child("branch7x7dbl_3"), c7, c7, 1, 7, 1, 0, 3);
            d4 = new BasicConv2d(s.child("branch7x7dbl_4"), c7, c7, 7, 1, 1, 3, 0);
            d5 = new BasicConv2d(s.child("branch7x7dbl_5"), c7, 192, 1, 7, 1, 0, 3);
            pool = new BasicConv2d(s.child("branch_pool"), in, 192, 1, 1, 0);
        }

        NDArray forward(NDArray x) {
            return cat(b1x1.forward(x), b7_3.forward(b7_2.forward(b7_1.forward(x))),
                    d5.forward(d4.forward(d3.forward(d2.forward(d1.forward(x))))), pool.forward(avgPoolTf(x)));
        }
    }

    /** InceptionD (grid reduction): 1x1-3x3/2 | 1x1-1x7-7x1-3x3/2 | maxpool/2. */
    static final class D {
        private final BasicConv2d b3_1, b3_2, b7_1, b7_2, b7_3, b7_4;

        D(Scope s, long in) {
            b3_1 = new BasicConv2d(s.child("branch3x3_1"), in, 192, 1, 1, 0);
            b3_2 = new BasicConv2d(s.child("branch3x3_2"), 192, 320, 3, 2, 0);
            b7_1 = new BasicConv2d(s.child("branch7x7x3_1"), in, 192, 1, 1, 0);
            b7_2 = new BasicConv2d(s.child("branch7x7x3_2"), 192, 192, 1, 7, 1, 0, 3);
            b7_3 = new BasicConv2d(s.child("branch7x7x3_3"), 192, 192, 7, 1, 1, 3, 0);
            b7_4 = new BasicConv2d(s.child("branch7x7x3_4"), 192, 192, 3, 2, 0);
        }

        NDArray forward(NDArray x) {
            return cat(b3_2.forward(b3_1.forward(x)), b7_4.forward(b7_3.forward(b7_2.forward(b7_1.forward(x)))),
                    maxPool3s2(x));
        }
    }

    /**
     * FIDInceptionE_1 / _2: 1x1 | 1x1-(1x3, 3x1) | 1x1-3x3-(1x3, 3x1) | pool-1x1, where the pool is the
     * zero-excluding average in the first E block and a 3x3 stride-1 max pool in the second.
     */
    static final class E {
        private final BasicConv2d b1x1, b3_1, b3_2a, b3_2b, d1, d2, d3a, d3b, pool;
        private final boolean maxPool;

        E(Scope s, long in, boolean maxPool) {
            b1x1 = new BasicConv2d(s.child("branch1x1"), in, 320, 1, 1, 0);
            b3_1 = new BasicConv2d(s.child("branch3x3_1"), in, 384, 1, 1, 0);
            b3_2a = new BasicConv2d(s.child("branch3x3_2a"), 384, 384, 1, 3, 1, 0, 1);
            b3_2b = new BasicConv2d(s.child("branch3x3_2b"), 384, 384, 3, 1, 1, 1, 0);
            d1 = new BasicConv2d(s.child("branch3x3dbl_1"), in, 448, 1, 1, 0);
            d2 = new BasicConv2d(s.child("branch3x3dbl_2"), 448, 384, 3, 1, 1);
            d3a = new BasicConv2d(s.child("branch3x3dbl_3a"), 384, 384, 1, 3, 1, 0, 1);
            d3b = new BasicConv2d(s.child("branch3x3dbl_3b"), 384, 384, 3, 1, 1, 1, 0);
            pool = new BasicConv2d(s.child("branch_pool"), in, 192, 1, 1, 0);
            this.maxPool = maxPool;
        }

        NDArray forward(NDArray x) {
            NDArray b3 = b3_1.forward(x);
            NDArray d = d2.forward(d1.forward(x));
            NDArray pooled = maxPool ? Pool.maxPool2d(x, K3, S1, P1, false) : avgPoolTf(x);
            return cat(b1x1.forward(x), cat(b3_2a.forward(b3), b3_2b.forward(b3)),
                    cat(d3a.forward(d), d3b.forward(d)), pool.forward(pooled));
        }
    }
}
