package org.coverlab.data;

import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
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
import java.util.Locale;

/**
 * Decodes a cover image file into RGB, converting what can be converted (grayscale, palette, alpha, CMYK/YCCK JPEG)
 * and refusing what cannot be trusted (missing, empty, not an image, truncated). Stateless and thread-safe; never
 * throws for bad content.
 */
public final class CoverDecoder {

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
                StringBuilder warnings = new StringBuilder();
                reader.addIIOReadWarningListener(warningsInto(warnings));
                reader.setInput(in, true, false);
                BufferedImage image;
                try {
                    image = reader.read(0);
                } catch (IIOException e) {
                    // Older JDKs, and YCCK files, make the JPEG reader refuse 4-channel images; their raw raster still reads.
                    if (format.equals("jpeg") && isFourChannelJpeg(reader)) {
                        Raster raster = reader.readRaster(0, null);
                        return new DecodedImage.Ok(CmykJpeg.toRgb(raster, adobeTransform(reader.getImageMetadata(0))),
                                SkipReason.CMYK_CONVERTED, null);
                    }
                    throw e;
                }
                String w = warnings.toString().toLowerCase(Locale.ROOT);
                if (w.contains("premature end") || w.contains("missing eoi")) {
                    return new DecodedImage.Failed(SkipReason.IMAGE_TRUNCATED, warnings.toString().trim());
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

    private static IIOReadWarningListener warningsInto(StringBuilder sb) {
        return (source, warning) -> sb.append(warning).append("; ");
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
