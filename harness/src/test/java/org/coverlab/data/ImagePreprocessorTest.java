package org.coverlab.data;

import org.coverlab.spec.DatasetSpec;
import org.coverlab.spec.Resolution;
import org.junit.jupiter.api.Test;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImagePreprocessorTest {

    /** 100x100: left half red, right half blue. */
    private static BufferedImage halves(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.RED);
        g.fillRect(0, 0, w / 2, h);
        g.setColor(Color.BLUE);
        g.fillRect(w / 2, 0, w - w / 2, h);
        g.dispose();
        return img;
    }

    private static float at(float[] chw, int c, int x, int y, int w, int h) {
        return chw[c * w * h + y * w + x];
    }

    @Test
    void squareResizeGivesChwInMinusOneToOne() {
        ImagePreprocessor p = new ImagePreprocessor(new Resolution(64, 96), DatasetSpec.Resize.SQUARE);
        float[] out = p.apply(halves(100, 100), false);
        assertEquals(3 * 64 * 96, out.length);
        for (float v : out) {
            assertTrue(v >= -1f && v <= 1f);
        }
        assertEquals(1f, at(out, 0, 2, 50, 64, 96), 1e-6, "red on the left");
        assertEquals(-1f, at(out, 2, 2, 50, 64, 96), 1e-6);
        assertEquals(1f, at(out, 2, 61, 50, 64, 96), 1e-6, "blue on the right");
    }

    @Test
    void flipMirrorsEachRow() {
        ImagePreprocessor p = new ImagePreprocessor(new Resolution(64, 96), DatasetSpec.Resize.SQUARE);
        float[] a = p.apply(halves(120, 180), false);
        float[] b = p.apply(halves(120, 180), true);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 96; y++) {
                for (int x = 0; x < 64; x++) {
                    assertEquals(at(a, c, x, y, 64, 96), at(b, c, 63 - x, y, 64, 96));
                }
            }
        }
    }

    @Test
    void keepAspectPadsWithBlackAndCenterCropFillsTheFrame() {
        // a wide 200x100 image into a 64x96 portrait frame
        ImagePreprocessor pad = new ImagePreprocessor(new Resolution(64, 96), DatasetSpec.Resize.KEEP_ASPECT);
        float[] padded = pad.apply(halves(200, 100), false);
        assertEquals(-1f, at(padded, 0, 32, 2, 64, 96), "top padding is black");
        assertEquals(-1f, at(padded, 1, 32, 93, 64, 96), "bottom padding is black");
        assertEquals(1f, at(padded, 0, 2, 48, 64, 96), 1e-6, "content is centred vertically");
        ImagePreprocessor crop = new ImagePreprocessor(new Resolution(64, 96), DatasetSpec.Resize.CENTER_CROP);
        float[] cropped = crop.apply(halves(200, 100), false);
        assertEquals(1f, at(cropped, 0, 2, 2, 64, 96), 1e-6, "crop keeps the red half on the left");
        assertEquals(1f, at(cropped, 2, 61, 93, 64, 96), 1e-6, "and the blue half on the right, no padding");
    }

    @Test
    void inverseCmykOfARasterGivesBackTheColour() {
        // Adobe-style inverted CMYK for pure green (C=255, M=0, Y=255, K=0 -> stored 0,255,0,255)
        var raster = java.awt.image.Raster.createInterleavedRaster(java.awt.image.DataBuffer.TYPE_BYTE, 1, 1, 4, null);
        raster.setPixel(0, 0, new int[]{0, 255, 0, 255});
        assertEquals(0x00ff00, CmykJpeg.toRgb(raster, 0).getRGB(0, 0) & 0xffffff);
        raster.setPixel(0, 0, new int[]{255, 0, 255, 0});
        assertEquals(0x00ff00, CmykJpeg.toRgb(raster, -1).getRGB(0, 0) & 0xffffff, "plain CMYK without the Adobe marker");
    }
}
