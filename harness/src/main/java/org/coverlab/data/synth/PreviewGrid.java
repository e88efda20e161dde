package org.coverlab.data.synth;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A PNG contact sheet of generated images, each enlarged and labelled, for eyeballing a generated set. */
public final class PreviewGrid {

    /** One tile: an image and a short label drawn under it. */
    public record Tile(BufferedImage image, String label) {}

    private PreviewGrid() {
    }

    public static void write(Path png, List<Tile> tiles, int columns, int scale) {
        if (tiles.isEmpty()) {
            throw new IllegalArgumentException("no tiles");
        }
        int tw = tiles.get(0).image().getWidth() * scale;
        int th = tiles.get(0).image().getHeight() * scale;
        int label = 14;
        int gap = 6;
        int rows = (tiles.size() + columns - 1) / columns;
        BufferedImage sheet = new BufferedImage(columns * (tw + gap) + gap, rows * (th + label + gap) + gap, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        try {
            g.setColor(new Color(0x202020));
            g.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setFont(new Font("SansSerif", Font.PLAIN, 10));
            for (int i = 0; i < tiles.size(); i++) {
                int x = gap + (i % columns) * (tw + gap);
                int y = gap + (i / columns) * (th + label + gap);
                g.drawImage(tiles.get(i).image(), x, y, tw, th, null);
                g.setColor(new Color(0xdddddd));
                String text = tiles.get(i).label();
                while (g.getFontMetrics().stringWidth(text) > tw && text.length() > 3) {
                    text = text.substring(0, text.length() - 2) + "…";
                }
                g.drawString(text, x, y + th + 11);
            }
        } finally {
            g.dispose();
        }
        try {
            Path parent = png.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            ImageIO.write(sheet, "png", png.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + png + ": " + e.getMessage(), e);
        }
    }
}
