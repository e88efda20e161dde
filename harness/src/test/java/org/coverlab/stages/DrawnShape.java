package org.coverlab.stages;

import java.awt.Color;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Map;
import org.coverlab.model.pipeline.GeneratedImage;

/**
 * What shape and colour an image shows on a plain background, measured simply: the background is the median colour
 * of the border; the foreground is every pixel farther than {@value #FOREGROUND_DISTANCE} (RGB in [0, 1]) from it, and
 * the shape is its largest 4-connected component. Its colour is the palette colour nearest to the component's mean
 * (the background's colour excluded); a circle fills about pi/4 = 0.79 of its bounding box and the generator's square
 * all of it, so a fill above {@value #SQUARE_FILL} reads as a square.
 */
record DrawnShape(String colour, String shape, int pixels, double fill) {

    static final double FOREGROUND_DISTANCE = 0.25;
    static final double SQUARE_FILL = 0.89;
    /** Fewer foreground pixels than this (a 6x6 blob) is no shape at all. */
    static final int MIN_PIXELS = 36;

    static DrawnShape classify(GeneratedImage img, Map<String, Color> palette, String backgroundName) {
        int w = img.width();
        int h = img.height();
        float[] bg = borderMedian(img);
        boolean[] fg = new boolean[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double d = 0;
                for (int c = 0; c < 3; c++) {
                    double diff = img.value(y, x, c) - bg[c];
                    d += diff * diff;
                }
                fg[y * w + x] = Math.sqrt(d) > FOREGROUND_DISTANCE;
            }
        }
        int[] component = largestComponent(fg, w, h);
        if (component.length < MIN_PIXELS) {
            return new DrawnShape("none", "none", component.length, 0);
        }
        double[] mean = new double[3];
        int minX = w;
        int minY = h;
        int maxX = -1;
        int maxY = -1;
        for (int p : component) {
            int x = p % w;
            int y = p / w;
            for (int c = 0; c < 3; c++) {
                mean[c] += img.value(y, x, c) / component.length;
            }
            minX = Math.min(minX, x);
            maxX = Math.max(maxX, x);
            minY = Math.min(minY, y);
            maxY = Math.max(maxY, y);
        }
        double fill = component.length / (double) ((maxX - minX + 1) * (maxY - minY + 1));
        String nearest = "none";
        double best = Double.MAX_VALUE;
        for (Map.Entry<String, Color> e : palette.entrySet()) {
            if (e.getKey().equals(backgroundName)) {
                continue;
            }
            float[] rgb = e.getValue().getRGBColorComponents(null);
            double d = 0;
            for (int c = 0; c < 3; c++) {
                d += (rgb[c] - mean[c]) * (rgb[c] - mean[c]);
            }
            if (d < best) {
                best = d;
                nearest = e.getKey();
            }
        }
        return new DrawnShape(nearest, fill > SQUARE_FILL ? "square" : "circle", component.length, fill);
    }

    private static float[] borderMedian(GeneratedImage img) {
        int w = img.width();
        int h = img.height();
        int n = 2 * w + 2 * (h - 2);
        float[][] channels = new float[3][n];
        int k = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (y == 0 || y == h - 1 || x == 0 || x == w - 1) {
                    for (int c = 0; c < 3; c++) {
                        channels[c][k] = img.value(y, x, c);
                    }
                    k++;
                }
            }
        }
        float[] out = new float[3];
        for (int c = 0; c < 3; c++) {
            Arrays.sort(channels[c]);
            out[c] = channels[c][n / 2];
        }
        return out;
    }

    private static int[] largestComponent(boolean[] fg, int w, int h) {
        int[] label = new int[fg.length];
        int[] best = new int[0];
        int next = 0;
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int start = 0; start < fg.length; start++) {
            if (!fg[start] || label[start] != 0) {
                continue;
            }
            next++;
            int[] members = new int[16];
            int size = 0;
            label[start] = next;
            queue.add(start);
            while (!queue.isEmpty()) {
                int p = queue.poll();
                if (size == members.length) {
                    members = Arrays.copyOf(members, size * 2);
                }
                members[size++] = p;
                int x = p % w;
                int y = p / w;
                int[] neighbours = {x > 0 ? p - 1 : -1, x < w - 1 ? p + 1 : -1, y > 0 ? p - w : -1, y < h - 1 ? p + w : -1};
                for (int q : neighbours) {
                    if (q >= 0 && fg[q] && label[q] == 0) {
                        label[q] = next;
                        queue.add(q);
                    }
                }
            }
            if (size > best.length) {
                best = Arrays.copyOf(members, size);
            }
        }
        return best;
    }
}
