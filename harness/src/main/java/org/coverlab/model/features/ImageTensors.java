package org.coverlab.model.features;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Images to network input the way pytorch-fid prepares them: 8-bit RGB to floats in [0, 1] (torchvision's ToTensor),
 * a bilinear resize with {@code align_corners=False} and no antialiasing (torch's {@code F.interpolate}, called
 * through libtorch so the arithmetic is torch's own), then {@code 2x - 1}.
 */
public final class ImageTensors {

    /** libtorch's interpolation code for bilinear (DJL maps its BILINEAR to it). */
    private static final int TORCH_BILINEAR = 2;

    private ImageTensors() {
    }

    /** (N, 3, size, size) in [-1, 1]. */
    public static NDArray fidInput(NDManager manager, List<BufferedImage> images, int height, int width) {
        List<NDArray> rows = new ArrayList<>(images.size());
        for (BufferedImage img : images) {
            NDArray x = manager.create(chw01(img), new Shape(1, 3, img.getHeight(), img.getWidth()));
            rows.add(resizeBilinear(x, height, width));
        }
        NDArray batch = rows.size() == 1 ? rows.get(0) : NDArrays.concat(new NDList(rows), 0);
        return batch.mul(2f).sub(1f);
    }

    /** torch.nn.functional.interpolate(x, size=(h, w), mode='bilinear', align_corners=False) on NCHW. */
    public static NDArray resizeBilinear(NDArray nchw, int height, int width) {
        if (nchw.getShape().get(2) == height && nchw.getShape().get(3) == width) {
            return nchw;
        }
        return JniUtils.interpolate((PtNDArray) nchw, new long[] {height, width}, TORCH_BILINEAR, false);
    }

    /** Planar RGB floats in [0, 1] (value / 255), as ToTensor gives them. */
    public static float[] chw01(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
        float[] out = new float[3 * w * h];
        int plane = w * h;
        for (int i = 0; i < plane; i++) {
            int p = argb[i];
            out[i] = ((p >> 16) & 0xff) / 255f;
            out[plane + i] = ((p >> 8) & 0xff) / 255f;
            out[2 * plane + i] = (p & 0xff) / 255f;
        }
        return out;
    }
}
