package org.coverlab.data;

import org.coverlab.data.synth.JpegFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CoverDecoderTest {

    private final CoverDecoder decoder = new CoverDecoder();
    private static final Path MINI = Path.of("src/test/resources/goodreads-mini/images/images");

    private static BufferedImage twoTone() {
        BufferedImage img = new BufferedImage(40, 60, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.RED);
        g.fillRect(0, 0, 40, 30);
        g.setColor(Color.BLUE);
        g.fillRect(0, 30, 40, 30);
        g.dispose();
        return img;
    }

    private static DecodedImage.Failed failed(DecodedImage d) {
        return assertInstanceOf(DecodedImage.Failed.class, d);
    }

    @Test
    void rgbJpegDecodesUnchanged() {
        DecodedImage.Ok ok = assertInstanceOf(DecodedImage.Ok.class, decoder.decode(JpegFiles.encode(twoTone())));
        assertNull(ok.conversion());
        assertEquals(BufferedImage.TYPE_INT_RGB, ok.rgb().getType());
        assertEquals(40, ok.rgb().getWidth());
    }

    @Test
    void truncatedJpegIsRejectedAsTruncated() {
        byte[] full = JpegFiles.encode(twoTone());
        byte[] cut = Arrays.copyOf(full, full.length * 2 / 3);
        assertEquals(SkipReason.IMAGE_TRUNCATED, failed(decoder.decode(cut)).reason());
        assertEquals(SkipReason.IMAGE_TRUNCATED, failed(decoder.decode(MINI.resolve("8.jpg"))).reason());
    }

    @Test
    void bytesAfterTheEndMarkerDoNotMakeAnImageTruncated() {
        byte[] full = JpegFiles.encode(twoTone());
        byte[] padded = Arrays.copyOf(full, full.length + 4096); // some downloads carry trailing padding
        assertInstanceOf(DecodedImage.Ok.class, decoder.decode(padded));
    }

    @Test
    void garbageEmptyAndMissingFilesAreRejectedWithTheirReason(@TempDir Path dir) throws IOException {
        assertEquals(SkipReason.IMAGE_UNREADABLE, failed(decoder.decode(MINI.resolve("7.jpg"))).reason());
        assertEquals(SkipReason.IMAGE_UNREADABLE, failed(decoder.decode(new byte[0])).reason());
        assertEquals(SkipReason.IMAGE_MISSING, failed(decoder.decode(dir.resolve("nope.jpg"))).reason());
        // a JPEG header followed by noise and an end marker: recognised as JPEG, fails to decode
        byte[] noise = new byte[500];
        new java.util.Random(3).nextBytes(noise);
        noise[0] = (byte) 0xff;
        noise[1] = (byte) 0xd8;
        noise[2] = (byte) 0xff;
        noise[3] = (byte) 0xe0;
        noise[498] = (byte) 0xff;
        noise[499] = (byte) 0xd9;
        Path f = dir.resolve("noise.jpg");
        Files.write(f, noise);
        assertInstanceOf(DecodedImage.Failed.class, decoder.decode(f));
    }

    @Test
    void grayscaleJpegIsConvertedToRgb() throws IOException {
        BufferedImage gray = new BufferedImage(20, 30, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = gray.createGraphics();
        g.setColor(new Color(200, 200, 200));
        g.fillRect(0, 0, 20, 30);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(gray, "jpeg", out);
        DecodedImage.Ok ok = assertInstanceOf(DecodedImage.Ok.class, decoder.decode(out.toByteArray()));
        assertEquals(SkipReason.GRAYSCALE_CONVERTED, ok.conversion());
        assertEquals(BufferedImage.TYPE_INT_RGB, ok.rgb().getType());
        assertEquals(SkipReason.GRAYSCALE_CONVERTED,
                assertInstanceOf(DecodedImage.Ok.class, decoder.decode(MINI.resolve("2.jpg"))).conversion());
    }

    @Test
    void adobeCmykJpegIsConvertedWithItsColoursIntact() {
        // 9.jpg: Pillow's CMYK JPEG (Adobe marker, inverted) of a red top half and a blue bottom half
        DecodedImage.Ok ok = assertInstanceOf(DecodedImage.Ok.class, decoder.decode(MINI.resolve("9.jpg")));
        assertEquals(SkipReason.CMYK_CONVERTED, ok.conversion());
        Color top = new Color(ok.rgb().getRGB(60, 40));
        Color bottom = new Color(ok.rgb().getRGB(60, 140));
        assertTrue(top.getRed() > 220 && top.getGreen() < 40 && top.getBlue() < 40, "top should be red: " + top);
        assertTrue(bottom.getBlue() > 220 && bottom.getRed() < 40 && bottom.getGreen() < 40, "bottom should be blue: " + bottom);
    }

    @Test
    void pngWithAlphaBehindAJpgNameIsCompositedOnWhite() {
        DecodedImage.Ok ok = assertInstanceOf(DecodedImage.Ok.class, decoder.decode(MINI.resolve("11.jpg")));
        assertEquals(SkipReason.PALETTE_OR_ALPHA_CONVERTED, ok.conversion());
        assertEquals(Color.WHITE.getRGB(), ok.rgb().getRGB(5, 100), "transparent left half becomes white");
    }

    @Test
    void truncatedPngIsRejected() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(twoTone(), "png", out);
        byte[] png = out.toByteArray();
        assertEquals(SkipReason.IMAGE_TRUNCATED, failed(decoder.decode(Arrays.copyOf(png, png.length - 20))).reason());
    }

    /** A noisy image encoded as a progressive JPEG (several scans), as many Goodreads covers are. */
    private static byte[] progressiveJpeg(int w, int h) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        java.util.Random random = new java.util.Random(1);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, random.nextInt(0xffffff));
            }
        }
        javax.imageio.ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        javax.imageio.ImageWriteParam param = writer.getDefaultWriteParam();
        param.setProgressiveMode(javax.imageio.ImageWriteParam.MODE_DEFAULT);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (var stream = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.write(null, new javax.imageio.IIOImage(img, null, null), param);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    @Test
    void aTruncatedProgressiveJpegNamesEachDecoderWarningOnce() throws IOException {
        byte[] full = progressiveJpeg(64, 96);
        DecodedImage.Failed f = failed(decoder.decode(Arrays.copyOf(full, full.length * 6 / 10)));
        assertEquals(SkipReason.IMAGE_TRUNCATED, f.reason());
        java.util.List<String> warnings = Arrays.asList(f.detail().split("; "));
        assertEquals(new java.util.LinkedHashSet<>(warnings).size(), warnings.size(), f.detail());
    }

    @Test
    void aLargeImageIsDecodedSubsampledNearTheTargetAndASmallOneInFull() {
        CoverDecoder forTarget = new CoverDecoder(64, 96);
        DecodedImage.Ok large = assertInstanceOf(DecodedImage.Ok.class,
                forTarget.decode(JpegFiles.encode(new BufferedImage(3000, 4500, BufferedImage.TYPE_INT_RGB))));
        // 13.5 MP: every 11th pixel keeps at least 4x the 64x96 target in each direction.
        assertEquals(273, large.rgb().getWidth());
        assertEquals(410, large.rgb().getHeight());
        assertTrue(large.rgb().getWidth() >= 4 * 64 && large.rgb().getHeight() >= 4 * 96);
        DecodedImage.Ok small = assertInstanceOf(DecodedImage.Ok.class,
                forTarget.decode(JpegFiles.encode(new BufferedImage(600, 900, BufferedImage.TYPE_INT_RGB))));
        assertEquals(600, small.rgb().getWidth(), "ordinary covers decode in full");
        assertEquals(1, new CoverDecoder().subsampling(6000, 9000), "no target, no subsampling");
    }
}
