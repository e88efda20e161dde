package org.coverlab.model.pipeline;

import java.awt.image.BufferedImage;

/**
 * One generated image: RGB floats in [0, 1], row-major (height, width, 3) like diffusers' output_type="np",
 * with the prompt and seed it came from.
 */
public record GeneratedImage(String prompt, long seed, int width, int height, float[] rgb) {

    public GeneratedImage {
        if (rgb.length != width * height * 3) {
            throw new IllegalArgumentException("expected " + width * height * 3 + " values, got " + rgb.length);
        }
        rgb = rgb.clone();
    }

    @Override
    public float[] rgb() {
        return rgb.clone();
    }

    public float value(int y, int x, int channel) {
        return rgb[(y * width + x) * 3 + channel];
    }

    /** 8-bit image, rounding like diffusers' numpy_to_pil ((x * 255).round()). */
    public BufferedImage toBufferedImage() {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = (y * width + x) * 3;
                img.setRGB(x, y, (to8(rgb[i]) << 16) | (to8(rgb[i + 1]) << 8) | to8(rgb[i + 2]));
            }
        }
        return img;
    }

    /** An 8-bit image read back (a PNG written by {@link #toBufferedImage}), values v / 255. */
    public static GeneratedImage fromBufferedImage(String prompt, long seed, BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        float[] rgb = new float[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = img.getRGB(x, y);
                int i = (y * w + x) * 3;
                rgb[i] = ((p >> 16) & 0xFF) / 255f;
                rgb[i + 1] = ((p >> 8) & 0xFF) / 255f;
                rgb[i + 2] = (p & 0xFF) / 255f;
            }
        }
        return new GeneratedImage(prompt, seed, w, h, rgb);
    }

    private static int to8(float v) {
        return Math.max(0, Math.min(255, Math.round(v * 255f)));
    }
}
