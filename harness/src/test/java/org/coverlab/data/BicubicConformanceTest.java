package org.coverlab.data;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Our bicubic resize against Pillow's {@code Image.resize(size, BICUBIC, box)} (vectors from
 * scripts/data/make_test_fixtures.py): at most one grey level apart (Pillow uses fixed-point weights).
 */
class BicubicConformanceTest {

    static final int W = 150;
    static final int H = 210;

    /** The formula image of make_test_fixtures.py, as three planes. */
    static float[][] source() {
        float[][] p = new float[3][W * H];
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                int i = y * W + x;
                p[0][i] = (x * 255) / (W - 1);
                p[1][i] = (y * 255) / (H - 1);
                p[2][i] = ((x / 10) + (y / 10)) % 2 == 1 ? 255 : 0;
            }
        }
        return p;
    }

    private static void check(String name, double[] box, int ow, int oh) throws IOException {
        byte[] expected = Files.readAllBytes(Path.of("src/test/resources/bicubic", name + ".rgb"));
        float[][] src = source();
        int worst = 0;
        for (int c = 0; c < 3; c++) {
            float[] out = BicubicResampler.resize(src[c], W, H, box, ow, oh);
            for (int i = 0; i < ow * oh; i++) {
                int e = expected[i * 3 + c] & 0xff;
                worst = Math.max(worst, Math.abs(e - Math.round(out[i])));
            }
        }
        assertTrue(worst <= 1, name + ": max difference from Pillow " + worst);
    }

    @Test
    void downscaleMatchesPillow() throws IOException {
        check("square_64x96", new double[]{0, 0, W, H}, 64, 96);
    }

    @Test
    void centerCropBoxMatchesPillow() throws IOException {
        check("crop_64x96", new double[]{5, 0, 145, 210}, 64, 96);
    }

    @Test
    void upscaleOfARegionMatchesPillow() throws IOException {
        check("up_80x112", new double[]{0, 0, 40, 56}, 80, 112);
    }
}
