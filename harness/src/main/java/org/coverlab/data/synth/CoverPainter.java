package org.coverlab.data.synth;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RadialGradientPaint;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.GeneralPath;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Draws a synthetic book cover with Java2D: a genre palette and background, a genre motif (castle and stars for
 * fantasy, ringed planet for science fiction, hearts for romance, ...), and the title and author in logical fonts at
 * varied placements. Every choice comes from the given RNG; all geometry is relative to the size, so any resolution
 * works. Only logical fonts are used, which exist on every JDK (headless included).
 */
public final class CoverPainter {

    private enum Zone { TOP, MIDDLE, BOTTOM }

    private final int w;
    private final int h;
    private final SplittableRandom rng;
    private final Graphics2D g;

    private CoverPainter(Graphics2D g, int w, int h, SplittableRandom rng) {
        this.g = g;
        this.w = w;
        this.h = h;
        this.rng = rng;
    }

    public static BufferedImage paint(BookFacts book, int width, int height, SplittableRandom rng) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            hints(g);
            new CoverPainter(g, width, height, rng).draw(book);
        } finally {
            g.dispose();
        }
        return img;
    }

    /** Fixed rendering hints: the same every run (no LCD subpixel text, no fractional metrics), so output is reproducible. */
    static void hints(Graphics2D g) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_OFF);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        g.setRenderingHint(RenderingHints.KEY_COLOR_RENDERING, RenderingHints.VALUE_COLOR_RENDER_QUALITY);
    }

    private void draw(BookFacts book) {
        Genre genre = book.genre();
        Genre.Palette pal = jitter(genre.palettes().get(rng.nextInt(genre.palettes().size())));
        background(genre, pal);
        Zone titleZone = pickZone(genre);
        motif(genre, pal, titleZone);
        text(book, pal, titleZone);
    }

    // ---------------------------------------------------------------- palette and background

    private Genre.Palette jitter(Genre.Palette p) {
        float dh = (float) (rng.nextDouble() - 0.5) * 0.06f;
        float db = (float) (rng.nextDouble() - 0.5) * 0.14f;
        return new Genre.Palette(shift(p.top(), dh, db), shift(p.bottom(), dh, db), shift(p.accent(), dh, 0), p.text());
    }

    private static Color shift(Color c, float dh, float db) {
        float[] hsb = Color.RGBtoHSB(c.getRed(), c.getGreen(), c.getBlue(), null);
        float b = Math.max(0f, Math.min(1f, hsb[2] + db * (hsb[2] < 0.2f ? 0.3f : 1f)));
        return Color.getHSBColor(hsb[0] + dh, hsb[1], b);
    }

    private static Color alpha(Color c, int a) {
        return new Color(c.getRed(), c.getGreen(), c.getBlue(), a);
    }

    private static Color mix(Color a, Color b, double t) {
        return new Color((int) Math.round(a.getRed() + (b.getRed() - a.getRed()) * t),
                (int) Math.round(a.getGreen() + (b.getGreen() - a.getGreen()) * t),
                (int) Math.round(a.getBlue() + (b.getBlue() - a.getBlue()) * t));
    }

    private double r(double lo, double hi) {
        return lo + rng.nextDouble() * (hi - lo);
    }

    private void background(Genre genre, Genre.Palette p) {
        int style = rng.nextInt(genre == Genre.NONFICTION ? 2 : 5);
        switch (style) {
            case 0 -> {
                g.setColor(p.top());
                g.fillRect(0, 0, w, h);
            }
            case 1, 2 -> {
                g.setPaint(new GradientPaint(0, 0, p.top(), (float) (w * r(-0.3, 0.3)), h, p.bottom()));
                g.fillRect(0, 0, w, h);
            }
            case 3 -> {
                float cx = (float) (w * r(0.2, 0.8));
                float cy = (float) (h * r(0.2, 0.7));
                g.setPaint(new RadialGradientPaint(cx, cy, (float) (h * r(0.5, 0.9)), new float[]{0f, 1f},
                        new Color[]{p.bottom(), p.top()}));
                g.fillRect(0, 0, w, h);
            }
            default -> {
                g.setPaint(new GradientPaint(0, 0, p.top(), 0, h, p.bottom()));
                g.fillRect(0, 0, w, h);
                // a faint texture: diagonal stripes or speckle
                if (rng.nextBoolean()) {
                    g.setColor(alpha(p.text(), 14));
                    g.setStroke(new BasicStroke((float) (w * 0.03)));
                    double step = w * r(0.08, 0.16);
                    for (double x = -h; x < w + h; x += step) {
                        g.draw(new Line2D.Double(x, 0, x + h * 0.6, h));
                    }
                } else {
                    for (int i = 0; i < 60; i++) {
                        g.setColor(alpha(rng.nextBoolean() ? p.text() : Color.BLACK, 10 + rng.nextInt(20)));
                        double s = w * r(0.01, 0.04);
                        g.fill(new Rectangle2D.Double(r(0, w), r(0, h), s, s));
                    }
                }
            }
        }
        g.setPaint(null);
    }

    private Zone pickZone(Genre genre) {
        return switch (genre) {
            case NONFICTION, THRILLER -> rng.nextInt(3) == 0 ? Zone.MIDDLE : Zone.TOP;
            case POETRY -> rng.nextBoolean() ? Zone.MIDDLE : Zone.TOP;
            default -> Zone.values()[rng.nextInt(3)];
        };
    }

    // ---------------------------------------------------------------- motifs

    private void motif(Genre genre, Genre.Palette p, Zone titleZone) {
        switch (genre) {
            case FANTASY -> fantasy(p);
            case SCIENCE_FICTION -> scienceFiction(p, titleZone);
            case ROMANCE -> romance(p, titleZone);
            case MYSTERY -> mystery(p);
            case HORROR -> horror(p);
            case HISTORICAL -> historical(p);
            case THRILLER -> thriller(p);
            case CHILDRENS -> childrens(p);
            case NONFICTION -> nonfiction(p);
            case POETRY -> poetry(p, titleZone);
        }
    }

    private void stars(Color c, int n, double maxY) {
        for (int i = 0; i < n; i++) {
            g.setColor(alpha(c, 120 + rng.nextInt(135)));
            double s = w * r(0.008, 0.025);
            g.fill(new Ellipse2D.Double(r(0, w), r(0, h * maxY), s, s));
        }
    }

    private void fantasy(Genre.Palette p) {
        stars(p.text(), 30, 0.6);
        g.setColor(alpha(p.accent(), 230));
        double mr = w * r(0.1, 0.18);
        g.fill(new Ellipse2D.Double(r(0.1, 0.7) * w, r(0.08, 0.3) * h, mr * 2, mr * 2));
        Color far = mix(p.bottom(), Color.BLACK, 0.35);
        Color near = mix(p.bottom(), Color.BLACK, 0.7);
        mountains(far, 0.68, 0.16);
        // castle on the near ridge
        g.setColor(near);
        double base = h * r(0.7, 0.78);
        double cx = w * r(0.3, 0.7);
        double tw = w * 0.09;
        int towers = 2 + rng.nextInt(3);
        for (int i = 0; i < towers; i++) {
            double x = cx + (i - towers / 2.0) * tw * 1.4;
            double top = base - h * r(0.12, 0.26);
            g.fill(new Rectangle2D.Double(x, top, tw, base - top));
            GeneralPath roof = new GeneralPath();
            roof.moveTo(x - tw * 0.2, top);
            roof.lineTo(x + tw / 2, top - h * 0.07);
            roof.lineTo(x + tw * 1.2, top);
            roof.closePath();
            g.fill(roof);
        }
        g.fill(new Rectangle2D.Double(cx - towers * tw * 0.7, base - h * 0.08, towers * tw * 1.4 + tw * 0.4, h * 0.08));
        mountains(near, 0.8, 0.08);
    }

    private void mountains(Color c, double baseline, double amplitude) {
        GeneralPath m = new GeneralPath();
        m.moveTo(0, h);
        double x = 0;
        m.lineTo(0, h * (baseline - r(0, amplitude)));
        while (x < w) {
            x += w * r(0.12, 0.3);
            m.lineTo(x, h * (baseline - r(0, amplitude)));
        }
        m.lineTo(w, h);
        m.closePath();
        g.setColor(c);
        g.fill(m);
    }

    private void scienceFiction(Genre.Palette p, Zone titleZone) {
        stars(Color.WHITE, 45, 1.0);
        double pr = w * r(0.22, 0.38);
        double px = w * r(0.25, 0.75);
        double py = titleZone == Zone.TOP ? h * r(0.5, 0.65) : h * r(0.25, 0.4);
        g.setPaint(new RadialGradientPaint((float) (px - pr * 0.4), (float) (py - pr * 0.4), (float) (pr * 1.6),
                new float[]{0f, 1f}, new Color[]{p.accent(), mix(p.accent(), Color.BLACK, 0.85)}));
        g.fill(new Ellipse2D.Double(px - pr, py - pr, pr * 2, pr * 2));
        g.setPaint(null);
        g.setColor(alpha(mix(p.accent(), Color.WHITE, 0.4), 200));
        g.setStroke(new BasicStroke((float) (w * 0.02)));
        var old = g.getTransform();
        g.rotate(r(-0.5, 0.5), px, py);
        g.draw(new Ellipse2D.Double(px - pr * 1.7, py - pr * 0.35, pr * 3.4, pr * 0.7));
        g.setTransform(old);
        // perspective grid floor
        if (rng.nextBoolean()) {
            g.setColor(alpha(p.accent(), 150));
            g.setStroke(new BasicStroke((float) Math.max(1, w * 0.01)));
            double horizon = h * 0.78;
            for (int i = -6; i <= 6; i++) {
                g.draw(new Line2D.Double(w / 2.0, horizon, w / 2.0 + i * w * 0.35, h));
            }
            for (double y = horizon; y < h; y += (y - horizon) * 0.5 + h * 0.015) {
                g.draw(new Line2D.Double(0, y, w, y));
            }
        }
    }

    private void heart(double cx, double cy, double size) {
        GeneralPath path = new GeneralPath();
        path.moveTo(cx, cy + size * 0.35);
        path.curveTo(cx - size * 1.1, cy - size * 0.35, cx - size * 0.45, cy - size * 1.0, cx, cy - size * 0.45);
        path.curveTo(cx + size * 0.45, cy - size * 1.0, cx + size * 1.1, cy - size * 0.35, cx, cy + size * 0.35);
        path.closePath();
        g.fill(path);
    }

    private void romance(Genre.Palette p, Zone titleZone) {
        for (int i = 0; i < 14; i++) { // bokeh
            g.setColor(alpha(Color.WHITE, 30 + rng.nextInt(60)));
            double s = w * r(0.05, 0.22);
            g.fill(new Ellipse2D.Double(r(-0.1, 1) * w, r(-0.1, 1) * h, s, s));
        }
        g.setColor(alpha(p.accent(), 235));
        double cy = titleZone == Zone.MIDDLE ? h * r(0.2, 0.3) : h * r(0.45, 0.55);
        if (rng.nextBoolean()) {
            heart(w * r(0.4, 0.6), cy, w * r(0.28, 0.38));
        } else {
            for (int i = 0; i < 5; i++) {
                g.setColor(alpha(p.accent(), 150 + rng.nextInt(100)));
                heart(r(0.15, 0.85) * w, cy + r(-0.15, 0.15) * h, w * r(0.08, 0.16));
            }
        }
        // a flourish
        g.setColor(alpha(p.text(), 120));
        g.setStroke(new BasicStroke((float) (w * 0.012)));
        GeneralPath curl = new GeneralPath();
        double y = h * r(0.1, 0.9);
        curl.moveTo(w * 0.1, y);
        curl.curveTo(w * 0.35, y - h * 0.06, w * 0.65, y + h * 0.06, w * 0.9, y);
        g.draw(curl);
    }

    private void mystery(Genre.Palette p) {
        Color dark = mix(p.top(), Color.BLACK, 0.6);
        if (rng.nextBoolean()) {
            // street lamp and a figure in a long coat
            double lx = w * r(0.15, 0.35);
            g.setPaint(new RadialGradientPaint((float) lx, (float) (h * 0.32), (float) (w * 0.45), new float[]{0f, 1f},
                    new Color[]{alpha(p.accent(), 170), alpha(p.accent(), 0)}));
            g.fillRect(0, 0, w, h);
            g.setPaint(null);
            g.setColor(dark);
            g.fill(new Rectangle2D.Double(lx - w * 0.015, h * 0.32, w * 0.03, h * 0.6));
            g.setColor(p.accent());
            g.fill(new Ellipse2D.Double(lx - w * 0.05, h * 0.29, w * 0.1, w * 0.1));
            double fx = w * r(0.55, 0.75);
            double fy = h * r(0.55, 0.62);
            g.setColor(dark);
            g.fill(new Ellipse2D.Double(fx - w * 0.05, fy - w * 0.1, w * 0.1, w * 0.1));
            GeneralPath coat = new GeneralPath();
            coat.moveTo(fx - w * 0.07, fy);
            coat.lineTo(fx + w * 0.07, fy);
            coat.lineTo(fx + w * 0.12, fy + h * 0.3);
            coat.lineTo(fx - w * 0.12, fy + h * 0.3);
            coat.closePath();
            g.fill(coat);
            g.fill(new Rectangle2D.Double(fx - w * 0.1, fy - w * 0.1, w * 0.2, w * 0.025)); // hat brim
        } else {
            // a keyhole
            double kx = w * 0.5;
            double ky = h * r(0.4, 0.55);
            double kr = w * r(0.1, 0.15);
            g.setColor(alpha(p.accent(), 220));
            g.fill(new Ellipse2D.Double(kx - kr, ky - kr, kr * 2, kr * 2));
            GeneralPath stem = new GeneralPath();
            stem.moveTo(kx - kr * 0.5, ky);
            stem.lineTo(kx + kr * 0.5, ky);
            stem.lineTo(kx + kr * 0.9, ky + kr * 2.6);
            stem.lineTo(kx - kr * 0.9, ky + kr * 2.6);
            stem.closePath();
            g.fill(stem);
        }
        for (int i = 0; i < 4; i++) { // fog
            g.setColor(alpha(Color.WHITE, 18 + rng.nextInt(22)));
            g.fill(new Ellipse2D.Double(r(-0.5, 0.3) * w, r(0.55, 0.95) * h, w * r(1.0, 1.6), h * r(0.06, 0.14)));
        }
    }

    private void branch(double x, double y, double angle, double len, int depth) {
        if (depth == 0 || len < 1) {
            return;
        }
        double x2 = x + Math.cos(angle) * len;
        double y2 = y - Math.sin(angle) * len;
        g.setStroke(new BasicStroke((float) Math.max(0.6, depth * w * 0.008)));
        g.draw(new Line2D.Double(x, y, x2, y2));
        branch(x2, y2, angle + r(0.25, 0.6), len * r(0.6, 0.78), depth - 1);
        branch(x2, y2, angle - r(0.25, 0.6), len * r(0.6, 0.78), depth - 1);
    }

    private void horror(Genre.Palette p) {
        double mr = w * r(0.18, 0.28);
        double mx = w * r(0.3, 0.7);
        double my = h * r(0.3, 0.45);
        g.setColor(alpha(mix(p.text(), p.accent(), 0.15), 220));
        g.fill(new Ellipse2D.Double(mx - mr, my - mr, mr * 2, mr * 2));
        g.setColor(Color.BLACK);
        branch(w * r(0.3, 0.7), h, Math.PI / 2 + r(-0.15, 0.15), h * r(0.2, 0.28), 6);
        // blood drips from the top edge
        g.setColor(p.accent());
        double x = 0;
        g.fill(new Rectangle2D.Double(0, 0, w, h * 0.03));
        while (x < w) {
            double dw = w * r(0.03, 0.07);
            double len = h * r(0.04, 0.22);
            g.fill(new Rectangle2D.Double(x, 0, dw, len));
            g.fill(new Ellipse2D.Double(x - dw * 0.15, len - dw * 0.6, dw * 1.3, dw * 1.3));
            x += dw + w * r(0.02, 0.12);
        }
        // vignette
        g.setPaint(new RadialGradientPaint(w / 2f, h / 2f, h * 0.7f, new float[]{0.5f, 1f},
                new Color[]{alpha(Color.BLACK, 0), alpha(Color.BLACK, 200)}));
        g.fillRect(0, 0, w, h);
        g.setPaint(null);
    }

    private void historical(Genre.Palette p) {
        Color ink = alpha(p.accent(), 200);
        if (rng.nextBoolean()) {
            // temple facade: pediment, columns, steps
            double cx = w * 0.5;
            double base = h * r(0.68, 0.78);
            double half = w * r(0.28, 0.36);
            double colH = h * r(0.16, 0.22);
            g.setColor(ink);
            for (int i = 0; i < 5; i++) {
                double x = cx - half + i * (half * 2 - w * 0.06) / 4;
                g.fill(new Rectangle2D.Double(x, base - colH, w * 0.06, colH));
            }
            GeneralPath ped = new GeneralPath();
            ped.moveTo(cx - half - w * 0.04, base - colH);
            ped.lineTo(cx, base - colH - h * 0.09);
            ped.lineTo(cx + half + w * 0.04, base - colH);
            ped.closePath();
            g.fill(ped);
            g.fill(new Rectangle2D.Double(cx - half - w * 0.06, base, (half + w * 0.06) * 2, h * 0.03));
        } else {
            // sailing ship on waves
            double sx = w * r(0.3, 0.6);
            double sy = h * r(0.62, 0.72);
            g.setColor(ink);
            GeneralPath hull = new GeneralPath();
            hull.moveTo(sx - w * 0.25, sy);
            hull.lineTo(sx + w * 0.25, sy);
            hull.lineTo(sx + w * 0.17, sy + h * 0.06);
            hull.lineTo(sx - w * 0.17, sy + h * 0.06);
            hull.closePath();
            g.fill(hull);
            for (int m = -1; m <= 1; m++) {
                double mx = sx + m * w * 0.12;
                g.fill(new Rectangle2D.Double(mx - w * 0.008, sy - h * 0.22, w * 0.016, h * 0.22));
                g.setColor(alpha(mix(p.top(), Color.WHITE, 0.5), 230));
                g.fill(new Rectangle2D.Double(mx - w * 0.08, sy - h * 0.2, w * 0.16, h * 0.14));
                g.setColor(ink);
            }
            g.setStroke(new BasicStroke((float) (w * 0.012)));
            for (double y = sy + h * 0.08; y < h; y += h * 0.05) {
                GeneralPath wave = new GeneralPath();
                wave.moveTo(0, y);
                for (double x = 0; x < w; x += w * 0.2) {
                    wave.quadTo(x + w * 0.05, y - h * 0.02, x + w * 0.1, y);
                    wave.quadTo(x + w * 0.15, y + h * 0.02, x + w * 0.2, y);
                }
                g.draw(wave);
            }
        }
        // ornamental double frame
        g.setColor(p.accent());
        float t = (float) Math.max(1, w * 0.015);
        g.setStroke(new BasicStroke(t));
        double m1 = w * 0.05;
        double m2 = w * 0.085;
        g.draw(new Rectangle2D.Double(m1, m1, w - 2 * m1, h - 2 * m1));
        g.draw(new Rectangle2D.Double(m2, m2, w - 2 * m2, h - 2 * m2));
        // sepia vignette
        g.setPaint(new RadialGradientPaint(w / 2f, h / 2f, h * 0.75f, new float[]{0.55f, 1f},
                new Color[]{alpha(new Color(0x5b3a29), 0), alpha(new Color(0x5b3a29), 120)}));
        g.fillRect(0, 0, w, h);
        g.setPaint(null);
    }

    private void thriller(Genre.Palette p) {
        // city skyline
        Color skyline = mix(p.bottom(), Color.BLACK, 0.5);
        g.setColor(skyline);
        double x = 0;
        while (x < w) {
            double bw = w * r(0.07, 0.16);
            double bh = h * r(0.12, 0.38);
            g.fill(new Rectangle2D.Double(x, h - bh, bw, bh));
            g.setColor(alpha(p.accent(), 140));
            for (double wy = h - bh + h * 0.02; wy < h - h * 0.02; wy += h * 0.035) {
                if (rng.nextInt(3) == 0) {
                    g.fill(new Rectangle2D.Double(x + bw * 0.3, wy, Math.max(1, bw * 0.2), Math.max(1, h * 0.012)));
                }
            }
            g.setColor(skyline);
            x += bw;
        }
        // slash or crosshair
        g.setColor(alpha(p.accent(), 230));
        if (rng.nextBoolean()) {
            GeneralPath slash = new GeneralPath();
            double y0 = h * r(0.35, 0.55);
            slash.moveTo(0, y0 + h * 0.06);
            slash.lineTo(w, y0 - h * 0.08);
            slash.lineTo(w, y0 - h * 0.03);
            slash.lineTo(0, y0 + h * 0.11);
            slash.closePath();
            g.fill(slash);
        } else {
            double cx = w * r(0.35, 0.65);
            double cy = h * r(0.45, 0.55);
            double cr = w * r(0.18, 0.26);
            g.setStroke(new BasicStroke((float) Math.max(1, w * 0.02)));
            g.draw(new Ellipse2D.Double(cx - cr, cy - cr, cr * 2, cr * 2));
            g.draw(new Line2D.Double(cx - cr * 1.4, cy, cx + cr * 1.4, cy));
            g.draw(new Line2D.Double(cx, cy - cr * 1.4, cx, cy + cr * 1.4));
        }
    }

    private void childrens(Genre.Palette p) {
        // sun with rays
        double sx = rng.nextBoolean() ? w * 0.82 : w * 0.18;
        double sy = h * 0.14;
        double sr = w * 0.11;
        g.setColor(new Color(0xffd23f));
        g.setStroke(new BasicStroke((float) Math.max(1, w * 0.02)));
        for (int i = 0; i < 10; i++) {
            double a = i * Math.PI / 5;
            g.draw(new Line2D.Double(sx + Math.cos(a) * sr * 1.3, sy + Math.sin(a) * sr * 1.3,
                    sx + Math.cos(a) * sr * 1.8, sy + Math.sin(a) * sr * 1.8));
        }
        g.fill(new Ellipse2D.Double(sx - sr, sy - sr, sr * 2, sr * 2));
        // cloud
        g.setColor(alpha(Color.WHITE, 235));
        double cx = w * r(0.2, 0.6);
        double cy = h * r(0.25, 0.35);
        for (int i = 0; i < 4; i++) {
            double s = w * r(0.12, 0.2);
            g.fill(new Ellipse2D.Double(cx + i * w * 0.07 - s / 2, cy - s / 2 + r(-0.02, 0.02) * h, s, s * 0.8));
        }
        // hills
        g.setColor(new Color(0x6bbf59));
        g.fill(new Ellipse2D.Double(-w * 0.4, h * 0.78, w * 1.2, h * 0.5));
        g.setColor(new Color(0x4caf50));
        g.fill(new Ellipse2D.Double(w * 0.2, h * 0.82, w * 1.2, h * 0.5));
        // balloons
        Color[] colours = {new Color(0xe63946), new Color(0x3a86ff), new Color(0xffbe0b), new Color(0x8338ec), p.accent()};
        int n = 2 + rng.nextInt(4);
        for (int i = 0; i < n; i++) {
            double bx = w * r(0.15, 0.85);
            double by = h * r(0.42, 0.62);
            double br = w * r(0.06, 0.1);
            g.setColor(new Color(0x555555));
            g.setStroke(new BasicStroke((float) Math.max(0.6, w * 0.006)));
            g.draw(new Line2D.Double(bx, by + br * 1.2, bx + r(-0.05, 0.05) * w, h * 0.85));
            g.setColor(colours[rng.nextInt(colours.length)]);
            g.fill(new Ellipse2D.Double(bx - br, by - br * 1.2, br * 2, br * 2.4));
        }
    }

    private void nonfiction(Genre.Palette p) {
        g.setColor(p.accent());
        switch (rng.nextInt(3)) {
            case 0 -> g.fill(new Rectangle2D.Double(0, h * r(0.55, 0.7), w, h)); // bottom block
            case 1 -> g.fill(new Rectangle2D.Double(0, 0, w * r(0.08, 0.14), h)); // spine stripe
            default -> {
                for (int i = 0; i < 3; i++) { // bar chart
                    double bh = h * r(0.1, 0.3);
                    g.fill(new Rectangle2D.Double(w * (0.25 + i * 0.18), h * 0.8 - bh, w * 0.12, bh));
                }
            }
        }
        g.setColor(alpha(p.text(), 200));
        g.setStroke(new BasicStroke((float) Math.max(1, w * 0.012)));
        double y = h * r(0.44, 0.5);
        g.draw(new Line2D.Double(w * 0.15, y, w * 0.85, y));
        if (rng.nextBoolean()) { // concentric rings icon
            double cx = w * r(0.3, 0.7);
            double cy = h * r(0.6, 0.7);
            for (int i = 1; i <= 3; i++) {
                double cr = w * 0.05 * i;
                g.draw(new Ellipse2D.Double(cx - cr, cy - cr, cr * 2, cr * 2));
            }
        }
    }

    private void poetry(Genre.Palette p, Zone titleZone) {
        g.setColor(p.accent());
        g.setStroke(new BasicStroke((float) Math.max(0.8, w * 0.012)));
        double baseY = titleZone == Zone.TOP ? h * 0.85 : h * 0.9;
        if (rng.nextBoolean()) {
            // a single flower
            double x = w * r(0.35, 0.65);
            double topY = h * r(0.45, 0.6);
            GeneralPath stem = new GeneralPath();
            stem.moveTo(x, baseY);
            stem.quadTo(x + w * r(-0.15, 0.15), (baseY + topY) / 2, x, topY);
            g.draw(stem);
            double pr = w * 0.05;
            for (int i = 0; i < 6; i++) {
                double a = i * Math.PI / 3;
                g.fill(new Ellipse2D.Double(x + Math.cos(a) * pr - pr * 0.7, topY + Math.sin(a) * pr - pr * 0.7, pr * 1.4, pr * 1.4));
            }
            g.setColor(p.text());
            g.fill(new Ellipse2D.Double(x - pr * 0.6, topY - pr * 0.6, pr * 1.2, pr * 1.2));
        } else {
            // a branch with leaves
            double y = h * r(0.5, 0.7);
            GeneralPath twig = new GeneralPath();
            twig.moveTo(-w * 0.05, y + h * 0.05);
            twig.quadTo(w * 0.5, y - h * 0.05, w * 1.05, y);
            g.draw(twig);
            for (int i = 0; i < 7; i++) {
                double lx = w * (0.08 + i * 0.13);
                double ly = y + h * 0.02 - i * h * 0.004;
                var old = g.getTransform();
                g.rotate((i % 2 == 0 ? -0.6 : 0.6), lx, ly);
                g.fill(new Ellipse2D.Double(lx, ly - w * 0.025, w * 0.1, w * 0.05));
                g.setTransform(old);
            }
        }
        // thin crescent moon, sometimes
        if (rng.nextInt(3) == 0) {
            double mx = w * r(0.65, 0.85);
            double my = h * r(0.08, 0.2);
            double mr = w * 0.06;
            g.setColor(alpha(p.text(), 150));
            g.fill(new Ellipse2D.Double(mx - mr, my - mr, mr * 2, mr * 2));
            g.setColor(p.top());
            g.fill(new Ellipse2D.Double(mx - mr * 0.6, my - mr * 1.1, mr * 2, mr * 2));
        }
    }

    // ---------------------------------------------------------------- text

    private void text(BookFacts book, Genre.Palette p, Zone zone) {
        Genre genre = book.genre();
        String family = genre.fonts().get(rng.nextInt(genre.fonts().size()));
        int style = genre.styles().get(rng.nextInt(genre.styles().size())).awt;
        boolean upper = genre == Genre.THRILLER || genre == Genre.NONFICTION ? rng.nextInt(3) > 0 : rng.nextInt(4) == 0;
        String title = upper ? book.title().toUpperCase(Locale.ROOT) : book.title();
        boolean left = genre == Genre.NONFICTION && rng.nextBoolean();
        double maxWidth = w * 0.86;

        float size = (float) (h * r(0.10, 0.15));
        Font font = new Font(family, style, Math.round(size));
        List<String> lines = wrap(title, font, maxWidth);
        while ((lines.size() > 3 || widest(lines, font) > maxWidth) && font.getSize() > 6) {
            font = font.deriveFont(font.getSize2D() - 1f);
            lines = wrap(title, font, maxWidth);
        }
        FontMetrics fm = g.getFontMetrics(font);
        double blockH = lines.size() * fm.getHeight();
        double top = switch (zone) {
            case TOP -> h * 0.08;
            case MIDDLE -> (h - blockH) / 2;
            case BOTTOM -> h * 0.9 - blockH - h * 0.1;
        };
        if (rng.nextInt(3) == 0 || genre == Genre.THRILLER) { // a band behind the title
            g.setColor(alpha(mix(p.top(), Color.BLACK, 0.3), 170));
            g.fill(new Rectangle2D.Double(0, top - h * 0.02, w, blockH + h * 0.04));
        }
        g.setFont(font);
        boolean shadow = luminance(p.text()) > 0.5;
        double y = top + fm.getAscent();
        for (String line : lines) {
            int lw = fm.stringWidth(line);
            double x = left ? w * 0.08 : (w - lw) / 2.0;
            if (shadow) {
                g.setColor(alpha(Color.BLACK, 140));
                g.drawString(line, (float) x + Math.max(1f, w / 128f), (float) y + Math.max(1f, w / 128f));
            }
            g.setColor(p.text());
            g.drawString(line, (float) x, (float) y);
            y += fm.getHeight();
        }

        // author: another size, sometimes another family, on the opposite side of the title
        String authorFamily = rng.nextInt(3) == 0 ? "SansSerif" : family;
        Font af = new Font(authorFamily, rng.nextBoolean() ? Font.PLAIN : Font.BOLD, Math.round((float) (h * r(0.06, 0.08))));
        String author = String.join(" & ", book.authors().subList(0, Math.min(2, book.authors().size())));
        if (rng.nextInt(3) == 0) {
            author = author.toUpperCase(Locale.ROOT);
        }
        while (g.getFontMetrics(af).stringWidth(author) > maxWidth && af.getSize() > 6) {
            af = af.deriveFont(af.getSize2D() - 1f);
        }
        if (g.getFontMetrics(af).stringWidth(author) > maxWidth && book.authors().size() > 1) {
            author = upperOf(author, book.authors().get(0)); // covers often name only the main author
        }
        while (g.getFontMetrics(af).stringWidth(author) > w * 0.96 && af.getSize() > 4) {
            af = af.deriveFont(af.getSize2D() - 1f);
        }
        FontMetrics am = g.getFontMetrics(af);
        double ay = zone == Zone.BOTTOM ? h * 0.06 + am.getAscent() : h * 0.95 - am.getDescent();
        g.setFont(af);
        int aw = am.stringWidth(author);
        double ax = left ? w * 0.08 : (w - aw) / 2.0;
        if (shadow) {
            g.setColor(alpha(Color.BLACK, 120));
            g.drawString(author, (float) ax + 1f, (float) ay + 1f);
        }
        g.setColor(genre == Genre.NONFICTION || rng.nextBoolean() ? p.text() : mix(p.text(), p.accent(), 0.5));
        g.drawString(author, (float) ax, (float) ay);
    }

    /** The first author, upper-cased if the joined authors were. */
    private static String upperOf(String shown, String first) {
        return shown.equals(shown.toUpperCase(Locale.ROOT)) ? first.toUpperCase(Locale.ROOT) : first;
    }

    private static double luminance(Color c) {
        return (0.299 * c.getRed() + 0.587 * c.getGreen() + 0.114 * c.getBlue()) / 255.0;
    }

    private double widest(List<String> lines, Font font) {
        FontMetrics fm = g.getFontMetrics(font);
        return lines.stream().mapToInt(fm::stringWidth).max().orElse(0);
    }

    private List<String> wrap(String text, Font font, double maxWidth) {
        FontMetrics fm = g.getFontMetrics(font);
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            String candidate = line.length() == 0 ? word : line + " " + word;
            if (fm.stringWidth(candidate) <= maxWidth || line.length() == 0) {
                line.setLength(0);
                line.append(candidate);
            } else {
                lines.add(line.toString());
                line.setLength(0);
                line.append(word);
            }
        }
        if (line.length() > 0) {
            lines.add(line.toString());
        }
        return lines;
    }
}
