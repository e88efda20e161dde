package org.coverlab.stages;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import org.coverlab.data.synth.GenericImageSet;
import org.coverlab.model.pipeline.GeneratedImage;
import org.junit.jupiter.api.Test;

/** The measuring stick of the learning check reads the generator's own pictures right. */
class DrawnShapeTest {

    @Test
    void everyColourAndShapeOfTheCheckIsReadRightFromTheGeneratorsOwnDrawing() {
        for (String colour : PretrainedTinyBaseTest.COLOURS) {
            for (String shape : PretrainedTinyBaseTest.SHAPES) {
                BufferedImage img = GenericImageSet.single(colour, shape, "white", 64, 96);
                DrawnShape drawn = DrawnShape.classify(image(img), GenericImageSet.palette(), "white");
                assertEquals(colour + " " + shape, drawn.colour() + " " + drawn.shape(), drawn.toString());
            }
        }
    }

    @Test
    void aBlankImageIsNoShape() {
        BufferedImage img = new BufferedImage(64, 96, BufferedImage.TYPE_INT_RGB);
        assertEquals("none", DrawnShape.classify(image(img), GenericImageSet.palette(), "white").shape());
    }

    static GeneratedImage image(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        float[] rgb = new float[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = img.getRGB(x, y);
                int i = (y * w + x) * 3;
                rgb[i] = ((p >> 16) & 0xff) / 255f;
                rgb[i + 1] = ((p >> 8) & 0xff) / 255f;
                rgb[i + 2] = (p & 0xff) / 255f;
            }
        }
        return new GeneratedImage("", 0, w, h, rgb);
    }
}
