package org.coverlab.data;

import org.coverlab.spec.DatasetSpec;
import org.coverlab.spec.Resolution;

import java.awt.image.BufferedImage;

/**
 * Turns an RGB cover into the model's input: bicubic resize to the target resolution by the spec's policy, optional
 * horizontal flip, values scaled from [0, 255] to [-1, 1], laid out as a float CHW array (no DJL here, so it is
 * testable without the engine; see {@link NdBatches} for the tensor adapter).
 */
public final class ImagePreprocessor {

    private final int width;
    private final int height;
    private final DatasetSpec.Resize resize;

    public ImagePreprocessor(Resolution resolution, DatasetSpec.Resize resize) {
        this.width = resolution.width();
        this.height = resolution.height();
        this.resize = resize;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** CHW floats in [-1, 1], length 3 * height * width. */
    public float[] apply(BufferedImage rgb, boolean flip) {
        int sw = rgb.getWidth();
        int sh = rgb.getHeight();
        int[] argb = rgb.getRGB(0, 0, sw, sh, null, 0, sw);
        float[][] planes = new float[3][sw * sh];
        for (int i = 0; i < argb.length; i++) {
            int p = argb[i];
            planes[0][i] = (p >> 16) & 0xff;
            planes[1][i] = (p >> 8) & 0xff;
            planes[2][i] = p & 0xff;
        }
        float[] out = new float[3 * width * height];
        // Padding (keep_aspect) stays black: -1 after normalisation.
        java.util.Arrays.fill(out, -1f);
        double[] box = {0, 0, sw, sh};
        int ox = 0;
        int oy = 0;
        int tw = width;
        int th = height;
        switch (resize) {
            case SQUARE -> { }
            case CENTER_CROP -> {
                double scale = Math.max((double) width / sw, (double) height / sh);
                double cw = width / scale;
                double ch = height / scale;
                box = new double[]{(sw - cw) / 2, (sh - ch) / 2, (sw + cw) / 2, (sh + ch) / 2};
            }
            case KEEP_ASPECT -> {
                double scale = Math.min((double) width / sw, (double) height / sh);
                tw = Math.max(1, Math.min(width, (int) Math.round(sw * scale)));
                th = Math.max(1, Math.min(height, (int) Math.round(sh * scale)));
                ox = (width - tw) / 2;
                oy = (height - th) / 2;
            }
        }
        for (int c = 0; c < 3; c++) {
            float[] plane = BicubicResampler.resize(planes[c], sw, sh, box, tw, th);
            int base = c * width * height;
            for (int y = 0; y < th; y++) {
                for (int x = 0; x < tw; x++) {
                    float v = Math.max(0f, Math.min(255f, plane[y * tw + x]));
                    int dx = flip ? width - 1 - (ox + x) : ox + x;
                    out[base + (oy + y) * width + dx] = v / 127.5f - 1f;
                }
            }
        }
        return out;
    }
}
