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
        return GeneratedImage.fromBufferedImage("", 0, img);
    }
}
