package org.coverlab.training.pretrain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The alignment phase's target keeps the shape apart from the colour: the layout half is the same for a red shape on
 * white and a white shape on red, and differs between a circle and a square of the same colours.
 */
class AlignmentTargetTest {

    static final int CHANNELS = 4;
    static final int H = 24;
    static final int W = 16;

    /** A latent with {@code inside} where the shape is and {@code outside} elsewhere, per channel. */
    static float[] picture(boolean square, float[] inside, float[] outside) {
        float[] z = new float[CHANNELS * H * W];
        for (int ch = 0; ch < CHANNELS; ch++) {
            for (int y = 0; y < H; y++) {
                for (int x = 0; x < W; x++) {
                    double dy = y + 0.5 - H / 2.0;
                    double dx = x + 0.5 - W / 2.0;
                    boolean in = square ? Math.abs(dx) <= 4 && Math.abs(dy) <= 4 : dx * dx + dy * dy <= 5 * 5;
                    z[(ch * H + y) * W + x] = in ? inside[ch] : outside[ch];
                }
            }
        }
        return z;
    }

    static float[] target(float[] z) {
        float[] out = new float[CHANNELS + (H / 2) * (W / 2)];
        TinyPretraining.alignmentTarget(z, CHANNELS, H, W, 1.5f, out, 0);
        return out;
    }

    static float[] layout(float[] target) {
        return Arrays.copyOfRange(target, CHANNELS, target.length);
    }

    static double distance(float[] a, float[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(d / a.length);
    }

    static final float[] RED = {0.9f, -0.4f, 0.3f, -0.7f};
    static final float[] WHITE = {-0.2f, 0.8f, -0.6f, 0.1f};

    @Test
    void swappingTheColoursLeavesTheLayoutAndSwappingTheShapeChangesIt() {
        float[] redCircleOnWhite = target(picture(false, RED, WHITE));
        float[] whiteCircleOnRed = target(picture(false, WHITE, RED));
        float[] redSquareOnWhite = target(picture(true, RED, WHITE));
        assertArrayEquals(layout(redCircleOnWhite), layout(whiteCircleOnRed), 1e-4f);
        double shapeApart = distance(layout(redCircleOnWhite), layout(redSquareOnWhite));
        // measured 0.106 (root mean square over the 96 cells, each map of unit variance): the corners of an 8-cell
        // square against a radius-5 circle, pooled 2x2; the colour swap above moves it by nothing
        assertTrue(shapeApart > 0.05, "circle and square layouts are " + shapeApart + " apart (unit variance each)");
        // the colour half tells the colours apart
        assertTrue(distance(Arrays.copyOf(redCircleOnWhite, CHANNELS), Arrays.copyOf(whiteCircleOnRed, CHANNELS)) > 0.1);
    }

    @Test
    void theColourIsEachChannelsScaledMeanAndTheLayoutIsStandardised() {
        float[] t = target(picture(true, RED, WHITE));
        float[] z = picture(true, RED, WHITE);
        for (int ch = 0; ch < CHANNELS; ch++) {
            double mean = 0;
            for (int q = 0; q < H * W; q++) {
                mean += z[ch * H * W + q] * 1.5 / (H * W);
            }
            assertEquals(mean, t[ch], 1e-5);
        }
        float[] l = layout(t);
        double mean = 0;
        double var = 0;
        for (float v : l) {
            mean += v / l.length;
        }
        for (float v : l) {
            var += (v - mean) * (v - mean) / l.length;
        }
        assertEquals(0, mean, 1e-5);
        assertEquals(1, var, 1e-3);
    }

    @Test
    void aPlainPictureHasAnEmptyLayoutNotAmplifiedNoise() {
        float[] z = picture(true, WHITE, WHITE);
        z[5] += 1e-4f; // a speck far below anything a picture shows
        float[] l = layout(target(z));
        for (float v : l) {
            assertTrue(Math.abs(v) < 0.05, "layout value " + v);
        }
    }
}
