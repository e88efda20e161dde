package org.coverlab.data;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;

/**
 * Converts the raw 4-band raster of a CMYK or YCCK JPEG to RGB. Adobe writes these inverted (the APP14 marker says so),
 * and YCCK stores CMY as YCbCr. The conversion is the naive, profile-free one; good enough for training covers.
 */
final class CmykJpeg {

    private CmykJpeg() {
    }

    /** @param adobeTransform 0 = CMYK, 2 = YCCK, -1 = no Adobe marker (plain, non-inverted CMYK) */
    static BufferedImage toRgb(Raster raster, int adobeTransform) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] px = new int[4];
        boolean inverted = adobeTransform >= 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                raster.getPixel(x + raster.getMinX(), y + raster.getMinY(), px);
                double c = px[0];
                double m = px[1];
                double ye = px[2];
                double k = px[3];
                if (adobeTransform == 2) {
                    // YCbCr -> RGB gives the (inverted) CMY channels.
                    double yy = c;
                    double cb = m - 128;
                    double cr = ye - 128;
                    c = 255 - clamp(yy + 1.402 * cr);
                    m = 255 - clamp(yy - 0.344136 * cb - 0.714136 * cr);
                    ye = 255 - clamp(yy + 1.772 * cb);
                    k = 255 - k; // K is stored inverted; CMY were already un-inverted above
                } else if (inverted) {
                    c = 255 - c;
                    m = 255 - m;
                    ye = 255 - ye;
                    k = 255 - k;
                }
                int r = (int) Math.round((255 - c) * (255 - k) / 255.0);
                int g = (int) Math.round((255 - m) * (255 - k) / 255.0);
                int b = (int) Math.round((255 - ye) * (255 - k) / 255.0);
                out.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return out;
    }

    private static double clamp(double v) {
        return Math.max(0, Math.min(255, v));
    }
}
