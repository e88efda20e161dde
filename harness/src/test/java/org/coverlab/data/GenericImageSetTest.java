package org.coverlab.data;

import org.coverlab.data.synth.GeneratorOptions;
import org.coverlab.data.synth.GenericImageSet;
import org.coverlab.spec.DatasetSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GenericImageSetTest {

    private static final Pattern CAPTION = Pattern.compile(
            "a (small|large) \\w+ \\w+ (in|at|on) the [a-z ]+( and a (small|large) \\w+ \\w+ (in|at|on) the [a-z ]+)? on a [a-z ]+ background");

    @Test
    void captionsDescribeShapesColoursPositionsAndBackground() {
        GeneratorOptions o = new GeneratorOptions(200, 1, 64, 64, 1);
        int two = 0;
        for (int i = 0; i < 200; i++) {
            String c = GenericImageSet.render(i, o).caption();
            assertTrue(CAPTION.matcher(c).matches(), c);
            if (c.contains(" and a ")) {
                two++;
            }
        }
        assertTrue(two > 20 && two < 120, "some images have two shapes: " + two);
    }

    @Test
    void theCaptionWithoutTheImageIsTheRenderedImagesCaptionAtAnySize() {
        GeneratorOptions o = new GeneratorOptions(300, 5, 96, 64, 1);
        for (int i = 0; i < 300; i++) {
            assertEquals(GenericImageSet.render(i, o).caption(), GenericImageSet.caption(i, 5), "image " + i);
        }
    }

    @Test
    void shapeColourIsVisibleWhereTheCaptionSaysItIs() {
        // a plain-background single-shape image: the named cell's centre has the shape's colour
        GeneratorOptions o = new GeneratorOptions(500, 4, 96, 96, 1);
        int checked = 0;
        for (int i = 0; i < 500 && checked < 10; i++) {
            GenericImageSet.Pair p = GenericImageSet.render(i, o);
            String c = p.caption();
            if (!c.contains("plain") || c.contains(" and a ") || !c.contains("circle") || !c.contains("large")) {
                continue;
            }
            String pos = c.substring(c.indexOf("circle ") + 7, c.indexOf(" on a "));
            int cell = GenericImageSet.POSITIONS.indexOf(pos);
            assertTrue(cell >= 0, c);
            int cx = (cell % 3) * 32 + 16;
            int cy = (cell / 3) * 32 + 16;
            int bg = p.image().getRGB(1, 1);
            assertTrue(p.image().getRGB(cx, cy) != bg, c);
            checked++;
        }
        assertTrue(checked > 0);
    }

    @Test
    void loaderReadsTheCaptionsLayout(@TempDir Path dir) {
        GenericImageSet.write(dir.resolve("gen"), new GeneratorOptions(20, 3, 64, 64, 2));
        DatasetSpec d = DatasetSpec.DEFAULT;
        DatasetSpec spec = new DatasetSpec(DatasetSpec.Source.GOODREADS, "gen", GenericImageSet.CSV, d.imagePattern(), 0, 0,
                d.subset(), new org.coverlab.spec.Resolution(64, 64), d.resize(), false, 0.0, d.cleaning(), d.englishRatio(), d.captions());
        SkipLog log = new SkipLog();
        BookDataset ds = BookDataset.open(spec, dir, 1, log);
        assertEquals(CsvLayout.CAPTIONS, ds.layout());
        assertEquals(20, ds.train().size());
        List<TrainingExample> ex = new ArrayList<>();
        try (DataPipeline p = ds.pipeline(2, 4); DataPipeline.Epoch e = p.epoch(Cursor.START)) {
            e.forEachRemaining(ex::add);
        }
        assertEquals(20, ex.size());
        GeneratorOptions o = new GeneratorOptions(20, 3, 64, 64, 2);
        for (TrainingExample e : ex) {
            assertEquals(GenericImageSet.render(e.book().imageIndex(), o).caption(), e.caption(), "the caption is used verbatim");
        }
    }
}
