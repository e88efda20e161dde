package org.coverlab.report;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.coverlab.util.AtomicFiles;

/**
 * Small JPEG copies of grid images for one page; the full PNGs are linked. Images are only ever scaled down. The first
 * thumbnails are embedded in the page as data URIs (so a small report opens anywhere, even alone as a mail
 * attachment) until their total reaches the page's embedding budget; the rest are written as files into the page's
 * asset folder and linked relatively, so a study with thousands of cells still gives a page of bounded size.
 */
final class Thumbnails {

    /** The longest side of a thumbnail in pixels (shown at 96 CSS pixels: sharp on a 2x screen). */
    static final int MAX_SIDE = 160;
    /** Default bytes of data URIs a page may embed (about 3 MB: a mailable page) before thumbnails become files. */
    static final long EMBED_BUDGET = 3L << 20;
    static final String FOLDER = "thumbs";
    private static final float QUALITY = 0.85f;

    private final Path folder;
    private final Function<Path, String> href;
    private final long budget;
    private final Map<Path, String> done = new HashMap<>();
    private long embeddedBytes;
    private int embedded;
    private int files;

    /**
     * @param folder where thumbnails past the budget go ({@code <page>_files/thumbs/})
     * @param href   a file's link relative to the page
     * @param budget bytes of data URIs the page may hold
     */
    Thumbnails(Path folder, Function<Path, String> href, long budget) {
        this.folder = folder;
        this.href = href;
        this.budget = budget;
    }

    /** The image source of a grid image's thumbnail (a data URI or a relative link), or null when it is not readable. */
    String src(Path png) throws IOException {
        String known = done.get(png);
        if (known != null) {
            return known;
        }
        byte[] jpeg = thumbnail(png);
        if (jpeg == null) {
            return null;
        }
        String uri = "data:image/jpeg;base64," + Base64.getEncoder().encodeToString(jpeg);
        String src;
        if (embeddedBytes + uri.length() <= budget) {
            embeddedBytes += uri.length();
            embedded++;
            src = uri;
        } else {
            // Numbered in the order the page uses them: a rewrite of the same page writes the same files.
            Path file = folder.resolve(String.format(Locale.ROOT, "thumb-%05d.jpg", files++));
            AtomicFiles.write(file, jpeg);
            src = href.apply(file);
        }
        done.put(png, src);
        return src;
    }

    int embedded() {
        return embedded;
    }

    int files() {
        return files;
    }

    long embeddedBytes() {
        return embeddedBytes;
    }

    /** The downscaled image as JPEG, or null when the file is not a readable image. */
    static byte[] thumbnail(Path png) throws IOException {
        BufferedImage src = ImageIO.read(png.toFile());
        if (src == null) {
            return null;
        }
        double scale = Math.min(1.0, MAX_SIDE / (double) Math.max(src.getWidth(), src.getHeight()));
        int w = Math.max(1, (int) Math.round(src.getWidth() * scale));
        int h = Math.max(1, (int) Math.round(src.getHeight() * scale));
        BufferedImage rgb = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = rgb.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.drawImage(src, 0, 0, w, h, null);
        g.dispose();
        return jpeg(rgb);
    }

    static String pngDataUri(byte[] png) {
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
    }

    private static byte[] jpeg(BufferedImage image) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(QUALITY);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
