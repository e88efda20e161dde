package org.coverlab.data.synth;

import org.coverlab.data.Seeds;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.GeneralPath;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Generic image-caption pairs for pretraining the tiny base model: one or two coloured shapes at named positions on a
 * patterned background, captioned exactly ("a small red circle in the top left on a striped blue background").
 * Layout: {@code captions.csv} with header {@code index,caption} and {@code images/images/{i}.jpg}; the loader reads it
 * as the captions layout (set {@code dataset.csv: captions.csv}).
 */
public final class GenericImageSet {

    public static final String CSV = "captions.csv";

    record Named(String name, Color color) {}

    static final List<Named> COLOURS = List.of(
            new Named("red", new Color(0xd62828)), new Named("orange", new Color(0xf77f00)),
            new Named("yellow", new Color(0xfcbf49)), new Named("green", new Color(0x2a9d46)),
            new Named("blue", new Color(0x1d4ed8)), new Named("purple", new Color(0x7b2cbf)),
            new Named("pink", new Color(0xff70a6)), new Named("brown", new Color(0x7f4f24)),
            new Named("black", new Color(0x111111)), new Named("white", new Color(0xf5f5f5)),
            new Named("gray", new Color(0x8d99ae)), new Named("cyan", new Color(0x22d3ee)));

    static final List<String> SHAPES = List.of("circle", "square", "triangle", "star", "ring", "diamond", "cross", "heart");
    static final List<String> BACKGROUNDS = List.of("plain", "striped", "checkered", "dotted", "gradient");
    /** 3x3 grid of positions as caption phrases; index = row * 3 + column. */
    public static final List<String> POSITIONS = List.of(
            "in the top left", "at the top", "in the top right", "on the left", "in the center", "on the right",
            "in the bottom left", "at the bottom", "in the bottom right");

    private GenericImageSet() {
    }

    /** The named colours of the captions with the RGB they are drawn in, in caption-vocabulary order. */
    public static Map<String, Color> palette() {
        Map<String, Color> m = new LinkedHashMap<>();
        COLOURS.forEach(c -> m.put(c.name(), c.color()));
        return m;
    }

    /**
     * Image i of the simple kind: one large shape in the center on a plain background (random colour, shape and
     * background colour), captioned as {@link #render} would caption it. The easy half of the tiny base's
     * pretraining mix; its own random stream, independent of {@link #render}'s.
     */
    public static Pair centred(int i, GeneratorOptions o) {
        SplittableRandom rng = new SplittableRandom(Seeds.derive(o.seed() ^ 0x63656e74L, Seeds.Purpose.GENERIC, i));
        Named bg = COLOURS.get(rng.nextInt(COLOURS.size()));
        Named colour = other(rng, bg, null, null);
        String shape = SHAPES.get(rng.nextInt(SHAPES.size()));
        return new Pair(single(colour.name(), shape, bg.name(), o.width(), o.height()), centredCaption(colour.name(),
                shape, bg.name()));
    }

    /** The caption of {@link #single}'s picture, in the generator's own words. */
    public static String centredCaption(String colour, String shape, String background) {
        return "a large " + colour + " " + shape + " " + POSITIONS.get(4) + " on a plain " + background + " background";
    }

    /**
     * Size of the simple pictures' shape, as a share of the image's shorter side: 38 px on a 64x96 picture, about ten
     * latent cells of the tiny VAE, so a circle and a square differ over many cells and the tiny VAE draws both back
     * (12 of 12 shapes after encode/decode, README "The tiny base model"). A large shape in one of {@link #render}'s
     * nine cells is 0.32 of the shorter side, five cells, where algorithm 2's base drew small blobs. The caption is
     * the same as a large shape in the center of a scene: "large" is relative, as it is in the scenes.
     */
    static final double CENTRED_SIZE = 0.6;

    /**
     * One large shape in the center on a plain background, {@link #CENTRED_SIZE} of the shorter side: the picture
     * {@link #centredCaption} describes (for checking what a model draws for it).
     */
    public static BufferedImage single(String colour, String shape, String background, int width, int height) {
        Map<String, Color> palette = palette();
        if (!palette.containsKey(colour) || !palette.containsKey(background) || !SHAPES.contains(shape)) {
            throw new IllegalArgumentException("unknown colour or shape: " + colour + ", " + shape + ", " + background);
        }
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            CoverPainter.hints(g);
            g.setColor(palette.get(background));
            g.fillRect(0, 0, width, height);
            g.setColor(palette.get(colour));
            draw(g, shape, width / 2.0, height / 2.0, Math.min(width, height) * CENTRED_SIZE);
        } finally {
            g.dispose();
        }
        return img;
    }

    /** The shape names of the captions. */
    public static List<String> shapes() {
        return SHAPES;
    }

    public static void write(Path root, GeneratorOptions options) {
        ParallelWriter.write(root, CSV, List.of("index", "caption"), options, i -> {
            Pair p = render(i, options);
            return new ParallelWriter.Item(JpegFiles.encode(p.image()), List.of(Integer.toString(i), p.caption()));
        });
        ParallelWriter.manifest(root, "generic", options);
    }

    /**
     * Image i's caption without the full-size image: the random draws do not depend on the image size, so it is drawn
     * at the smallest allowed size, which keeps caption corpora cheap.
     */
    public static String caption(int i, long seed) {
        return render(i, new GeneratorOptions(i + 1, seed, 16, 16, 1)).caption();
    }

    /** An image and its caption. */
    public record Pair(BufferedImage image, String caption) {}

    public static Pair render(int i, GeneratorOptions o) {
        SplittableRandom rng = new SplittableRandom(Seeds.derive(o.seed(), Seeds.Purpose.GENERIC, i));
        int w = o.width();
        int h = o.height();
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            CoverPainter.hints(g);
            Named bg = COLOURS.get(rng.nextInt(COLOURS.size()));
            Named bg2 = other(rng, bg, null, null);
            String pattern = BACKGROUNDS.get(rng.nextInt(BACKGROUNDS.size()));
            background(g, w, h, pattern, bg.color(), bg2.color(), rng);
            int count = rng.nextInt(3) == 0 ? 2 : 1;
            int firstCell = rng.nextInt(9);
            int secondCell = (firstCell + 1 + rng.nextInt(8)) % 9;
            List<String> parts = new ArrayList<>();
            Named prev = null;
            for (int k = 0; k < count; k++) {
                // never the colour of the background, its pattern, or the other shape: the caption must stay true
                Named colour = other(rng, bg, pattern.equals("plain") ? null : bg2, prev);
                prev = colour;
                String shape = SHAPES.get(rng.nextInt(SHAPES.size()));
                boolean large = rng.nextBoolean();
                int cell = k == 0 ? firstCell : secondCell;
                double cw = w / 3.0;
                double ch = h / 3.0;
                double size = Math.min(cw, ch) * (large ? 0.95 : 0.55) * (count == 2 ? 0.9 : 1.0);
                double cx = (cell % 3 + 0.5) * cw;
                double cy = (cell / 3 + 0.5) * ch;
                g.setColor(colour.color());
                draw(g, shape, cx, cy, size);
                parts.add("a " + (large ? "large " : "small ") + colour.name() + " " + shape + " " + POSITIONS.get(cell));
            }
            String bgText = switch (pattern) {
                case "plain" -> "a plain " + bg.name() + " background";
                case "gradient" -> "a " + bg.name() + " to " + bg2.name() + " gradient background";
                default -> "a " + pattern + " " + bg.name() + " and " + bg2.name() + " background";
            };
            String caption = String.join(" and ", parts) + " on " + bgText;
            return new Pair(img, caption);
        } finally {
            g.dispose();
        }
    }

    /** A colour different from the given ones (nulls ignored). */
    private static Named other(SplittableRandom rng, Named a, Named b, Named d) {
        while (true) {
            Named c = COLOURS.get(rng.nextInt(COLOURS.size()));
            if (c != a && c != b && c != d) {
                return c;
            }
        }
    }

    private static void background(Graphics2D g, int w, int h, String pattern, Color a, Color b, SplittableRandom rng) {
        g.setColor(a);
        g.fillRect(0, 0, w, h);
        double step = Math.max(4, Math.min(w, h) / (4.0 + rng.nextInt(4)));
        switch (pattern) {
            case "striped" -> {
                g.setColor(b);
                boolean vertical = rng.nextBoolean();
                for (double x = 0; x < (vertical ? w : h); x += step) {
                    g.fill(vertical ? new Rectangle2D.Double(x, 0, step / 2, h) : new Rectangle2D.Double(0, x, w, step / 2));
                }
            }
            case "checkered" -> {
                g.setColor(b);
                for (int y = 0; y * step < h; y++) {
                    for (int x = 0; x * step < w; x++) {
                        if ((x + y) % 2 == 0) {
                            g.fill(new Rectangle2D.Double(x * step, y * step, step, step));
                        }
                    }
                }
            }
            case "dotted" -> {
                g.setColor(b);
                double d = step * 0.35;
                for (double y = step / 2; y < h; y += step) {
                    for (double x = step / 2; x < w; x += step) {
                        g.fill(new Ellipse2D.Double(x - d / 2, y - d / 2, d, d));
                    }
                }
            }
            case "gradient" -> {
                g.setPaint(new GradientPaint(0, 0, a, 0, h, b));
                g.fillRect(0, 0, w, h);
                g.setPaint(null);
            }
            default -> { }
        }
    }

    static void draw(Graphics2D g, String shape, double cx, double cy, double size) {
        double r = size / 2;
        Shape s = switch (shape) {
            case "circle" -> new Ellipse2D.Double(cx - r, cy - r, size, size);
            case "square" -> new Rectangle2D.Double(cx - r * 0.85, cy - r * 0.85, size * 0.85, size * 0.85);
            case "triangle" -> polygon(cx, cy, r, 3, 0);
            case "diamond" -> polygon(cx, cy, r, 4, 0);
            case "star" -> star(cx, cy, r);
            case "cross" -> cross(cx, cy, r);
            case "heart" -> heart(cx, cy, r);
            case "ring" -> null;
            default -> throw new IllegalArgumentException(shape);
        };
        if (s == null) {
            g.setStroke(new BasicStroke((float) Math.max(1.5, size * 0.18)));
            g.draw(new Ellipse2D.Double(cx - r * 0.8, cy - r * 0.8, size * 0.8, size * 0.8));
        } else {
            g.fill(s);
        }
        // a thin dark outline keeps a shape visible on a similar-looking background
        g.setColor(new Color(0, 0, 0, 90));
        g.setStroke(new BasicStroke((float) Math.max(0.6, size * 0.03)));
        if (s != null) {
            g.draw(s);
        }
    }

    private static Shape polygon(double cx, double cy, double r, int n, double phase) {
        GeneralPath p = new GeneralPath();
        for (int k = 0; k < n; k++) {
            double a = -Math.PI / 2 + phase + k * 2 * Math.PI / n;
            double x = cx + Math.cos(a) * r;
            double y = cy + Math.sin(a) * r;
            if (k == 0) {
                p.moveTo(x, y);
            } else {
                p.lineTo(x, y);
            }
        }
        p.closePath();
        return p;
    }

    private static Shape star(double cx, double cy, double r) {
        GeneralPath p = new GeneralPath();
        for (int k = 0; k < 10; k++) {
            double a = -Math.PI / 2 + k * Math.PI / 5;
            double rr = k % 2 == 0 ? r : r * 0.45;
            double x = cx + Math.cos(a) * rr;
            double y = cy + Math.sin(a) * rr;
            if (k == 0) {
                p.moveTo(x, y);
            } else {
                p.lineTo(x, y);
            }
        }
        p.closePath();
        return p;
    }

    private static Shape cross(double cx, double cy, double r) {
        GeneralPath p = new GeneralPath();
        double t = r * 0.35;
        p.append(new Rectangle2D.Double(cx - r, cy - t, 2 * r, 2 * t), false);
        p.append(new Rectangle2D.Double(cx - t, cy - r, 2 * t, 2 * r), false);
        p.setWindingRule(GeneralPath.WIND_NON_ZERO);
        return p;
    }

    private static Shape heart(double cx, double cy, double r) {
        GeneralPath p = new GeneralPath();
        p.moveTo(cx, cy + r * 0.9);
        p.curveTo(cx - r * 1.6, cy - r * 0.1, cx - r * 0.7, cy - r * 1.3, cx, cy - r * 0.45);
        p.curveTo(cx + r * 0.7, cy - r * 1.3, cx + r * 1.6, cy - r * 0.1, cx, cy + r * 0.9);
        p.closePath();
        return p;
    }
}
