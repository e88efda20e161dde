package org.coverlab.data;

import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageReadParam;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.stream.ImageInputStream;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Decodes a cover image file into RGB, converting what can be converted (grayscale, palette, alpha, CMYK/YCCK JPEG)
 * and refusing what cannot be trusted (missing, empty, not an image, truncated). Stateless and thread-safe; never
 * throws for bad content.
 */
public final class CoverDecoder {

    /**
     * Images above this many pixels are decoded subsampled when a target size is known: a 6000x9000 cover decoded in
     * full takes seconds and over a gigabyte on its way to 64x96. Ordinary covers (well under a megapixel) always
     * decode in full, so their pixels match the reference resize exactly.
     */
    static final long LARGE_PIXELS = 4_000_000;
    /** Subsampling keeps at least this many source pixels per target pixel, so the bicubic resize still filters. */
    static final int KEEP_PER_TARGET_PIXEL = 4;

    private final int targetWidth;
    private final int targetHeight;

    /** Decodes every image in full. */
    public CoverDecoder() {
        this(0, 0);
    }

    /** Decodes large images subsampled to no less than {@value #KEEP_PER_TARGET_PIXEL}x the target size. */
    public CoverDecoder(int targetWidth, int targetHeight) {
        this.targetWidth = targetWidth;
        this.targetHeight = targetHeight;
    }

    /** The subsampling step for a source of this size (1 = every pixel). */
    int subsampling(int width, int height) {
        if (targetWidth <= 0 || targetHeight <= 0 || (long) width * height <= LARGE_PIXELS) {
            return 1;
        }
        int step = Math.min(width / (KEEP_PER_TARGET_PIXEL * targetWidth), height / (KEEP_PER_TARGET_PIXEL * targetHeight));
        return Math.max(1, step);
    }

    public DecodedImage decode(Path file) {
        byte[] bytes;
        try {
            if (!Files.isRegularFile(file)) {
                return new DecodedImage.Failed(SkipReason.IMAGE_MISSING, "no file " + file);
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            return new DecodedImage.Failed(SkipReason.IMAGE_UNREADABLE, "cannot read: " + e.getMessage());
        }
        return decode(bytes);
    }

    public DecodedImage decode(byte[] bytes) {
        if (bytes.length == 0) {
            return new DecodedImage.Failed(SkipReason.IMAGE_UNREADABLE, "empty file");
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return new DecodedImage.Failed(SkipReason.IMAGE_UNREADABLE, "not a recognised image format");
            }
            ImageReader reader = readers.next();
            try {
                String format = reader.getFormatName().toLowerCase(Locale.ROOT);
                String truncation = truncation(format, bytes);
                if (truncation != null) {
                    return new DecodedImage.Failed(SkipReason.IMAGE_TRUNCATED, truncation);
                }
                // A progressive JPEG warns once per scan: keep each distinct warning once.
                Set<String> warnings = new LinkedHashSet<>();
                reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
                reader.setInput(in, true, false);
                ImageReadParam param = reader.getDefaultReadParam();
                int step = subsampling(reader.getWidth(0), reader.getHeight(0));
                if (step > 1) {
                    param.setSourceSubsampling(step, step, 0, 0);
                }
                BufferedImage image;
                try {
                    image = reader.read(0, param);
                } catch (IIOException e) {
                    // Older JDKs, and YCCK files, make the JPEG reader refuse 4-channel images; their raw raster still reads.
                    if (format.equals("jpeg") && isFourChannelJpeg(reader)) {
                        Raster raster = reader.readRaster(0, param);
                        return new DecodedImage.Ok(CmykJpeg.toRgb(raster, adobeTransform(reader.getImageMetadata(0))),
                                SkipReason.CMYK_CONVERTED, null);
                    }
                    throw e;
                }
                String w = String.join("; ", warnings);
                String lower = w.toLowerCase(Locale.ROOT);
                if (lower.contains("premature end") || lower.contains("missing eoi")) {
                    return new DecodedImage.Failed(SkipReason.IMAGE_TRUNCATED, w);
                }
                return toRgb(image);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            // Corrupt streams surface as IIOException, IndexOutOfBounds, NegativeArraySize... from the codecs.
            String detail = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            // A JPEG cut before its scan data fails outright; name it truncated when the end marker is missing too.
            boolean jpegWithoutEnd = bytes.length > 2 && (bytes[0] & 0xff) == 0xff && (bytes[1] & 0xff) == 0xd8
                    && !endsWithEoi(bytes);
            return new DecodedImage.Failed(jpegWithoutEnd ? SkipReason.IMAGE_TRUNCATED : SkipReason.IMAGE_UNREADABLE, detail);
        }
    }

    /**
     * A reason when a PNG visibly ends early (no IEND chunk anywhere; trailing bytes after it are fine), else null.
     * JPEG truncation is detected from the decoder's own warnings instead, since the JPEG reader fills the missing
     * part with grey and returns normally.
     */
    static String truncation(String format, byte[] b) {
        if (format.equals("png")) {
            for (int i = b.length - 4; i >= 8; i--) {
                if (b[i] == 'I' && b[i + 1] == 'E' && b[i + 2] == 'N' && b[i + 3] == 'D') {
                    return null;
                }
            }
            return "PNG has no IEND chunk (" + b.length + " bytes)";
        }
        return null;
    }

    /** True when the JPEG end-of-image marker appears in the last 1 KiB (trailing padding after it is common). */
    private static boolean endsWithEoi(byte[] b) {
        for (int i = b.length - 2; i >= Math.max(0, b.length - 1024); i--) {
            if ((b[i] & 0xff) == 0xff && (b[i + 1] & 0xff) == 0xd9) {
                return true;
            }
        }
        return false;
    }

    private static boolean isFourChannelJpeg(ImageReader reader) {
        try {
            return reader.getRawImageType(0) == null || reader.readRaster(0, null).getNumBands() == 4;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Adobe APP14 transform flag: 0 = CMYK, 2 = YCCK; -1 without an Adobe marker. */
    private static int adobeTransform(IIOMetadata metadata) {
        try {
            var root = metadata.getAsTree("javax_imageio_jpeg_image_1.0");
            var nodes = ((org.w3c.dom.Element) root).getElementsByTagName("app14Adobe");
            if (nodes.getLength() == 0) {
                return -1;
            }
            String t = ((org.w3c.dom.Element) nodes.item(0)).getAttribute("transform");
            return t.isEmpty() ? 0 : Integer.parseInt(t);
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** Converts any decoded image to TYPE_INT_RGB, naming the conversion; alpha is composited onto white. */
    static DecodedImage toRgb(BufferedImage image) {
        if (image.getType() == BufferedImage.TYPE_INT_RGB) {
            return new DecodedImage.Ok(image, null, null);
        }
        ColorModel cm = image.getColorModel();
        SkipReason conversion = null;
        String detail = null;
        if (cm.getColorSpace().getType() == java.awt.color.ColorSpace.TYPE_CMYK) {
            conversion = SkipReason.CMYK_CONVERTED; // JDK 17 decodes Adobe CMYK JPEGs itself; we only name it
        } else if (cm.getNumColorComponents() == 1 && !(cm instanceof IndexColorModel)) {
            conversion = SkipReason.GRAYSCALE_CONVERTED;
        } else if (cm instanceof IndexColorModel || cm.hasAlpha()) {
            conversion = SkipReason.PALETTE_OR_ALPHA_CONVERTED;
            detail = cm instanceof IndexColorModel ? "palette" : "alpha on white";
        }
        BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = rgb.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, rgb.getWidth(), rgb.getHeight());
            g.drawImage(image, 0, 0, null);
        } finally {
            g.dispose();
        }
        return new DecodedImage.Ok(rgb, conversion, detail);
    }
}
