package org.coverlab.model.pipeline;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Sample grids: one row per prompt, one column per seed, separated by a thin white gutter. */
public final class ImageGrid {
    public static final int GUTTER = 2;

    private ImageGrid() {
    }

    /** @param images row-major, {@code rows * cols} images of equal size (as {@link TextToImagePipeline} returns) */
    public static BufferedImage compose(List<GeneratedImage> images, int rows, int cols) {
        if (images.size() != rows * cols || images.isEmpty()) {
            throw new IllegalArgumentException("grid of " + rows + "x" + cols + " needs " + rows * cols + " images, got "
                    + images.size());
        }
        int w = images.get(0).width();
        int h = images.get(0).height();
        BufferedImage grid = new BufferedImage(cols * w + (cols - 1) * GUTTER, rows * h + (rows - 1) * GUTTER,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = grid.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, grid.getWidth(), grid.getHeight());
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    GeneratedImage img = images.get(r * cols + c);
                    if (img.width() != w || img.height() != h) {
                        throw new IllegalArgumentException("all grid images must be " + w + "x" + h);
                    }
                    g.drawImage(img.toBufferedImage(), c * (w + GUTTER), r * (h + GUTTER), null);
                }
            }
        } finally {
            g.dispose();
        }
        return grid;
    }

    public static void writePng(Path file, List<GeneratedImage> images, int rows, int cols) {
        write(file, compose(images, rows, cols));
    }

    public static void write(Path file, BufferedImage image) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            if (!ImageIO.write(image, "png", file.toFile())) {
                throw new IllegalStateException("no PNG writer available");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
