package org.coverlab.metrics;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.coverlab.data.BookDataset;
import org.coverlab.data.BookRecord;
import org.coverlab.data.CoverDecoder;
import org.coverlab.data.DecodedImage;
import org.coverlab.util.Sha256;

/**
 * Images whose features become statistics, with a content hash that names their cache entry: the SHA-256 over each
 * image's name and file hash, in order. Images load lazily by index.
 */
public record ImageSet(String description, List<String> names, IntFunction<BufferedImage> loader, String contentSha256) {

    /** The extensions pytorch-fid lists that the JDK decodes. */
    public static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp");

    public int size() {
        return names.size();
    }

    public BufferedImage load(int i) {
        return loader.apply(i);
    }

    /** The first {@code n} images; fewer than asked is an error naming the source. */
    public ImageSet first(int n) {
        if (n > size()) {
            throw new MetricsException(description + " has " + size() + " images, fewer than the " + n + " asked for");
        }
        if (n == size()) {
            return this;
        }
        List<String> head = names.subList(0, n);
        return new ImageSet(description + " (first " + n + ")", List.copyOf(head), loader, hashOfPrefix(n));
    }

    private String hashOfPrefix(int n) {
        return Sha256.ofText(contentSha256 + " first " + n);
    }

    /**
     * The image files of a folder (not recursive), sorted by name, as pytorch-fid lists them. Each must be an RGB
     * image: grayscale, CMYK, palette or alpha images are refused naming the file, since converting them silently
     * would change the statistics.
     */
    public static ImageSet folder(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new MetricsException(dir + ": not a folder of images or a statistics (.npz) file");
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(Files::isRegularFile).filter(p -> EXTENSIONS.contains(extension(p))).sorted().toList();
        } catch (IOException e) {
            throw new MetricsException(dir + ": cannot list: " + e.getMessage(), e);
        }
        if (files.isEmpty()) {
            throw new MetricsException(dir + ": no images (" + String.join(", ", EXTENSIONS) + ") in the folder");
        }
        StringBuilder content = new StringBuilder();
        List<String> names = new ArrayList<>();
        for (Path f : files) {
            names.add(f.getFileName().toString());
            try {
                content.append(f.getFileName()).append(' ').append(Sha256.ofFile(f)).append('\n');
            } catch (IOException e) {
                throw new MetricsException(f + ": cannot read: " + e.getMessage(), e);
            }
        }
        CoverDecoder decoder = new CoverDecoder();
        return new ImageSet(dir.toString(), List.copyOf(names), i -> strictRgb(decoder, files.get(i)), Sha256.ofText(content.toString()));
    }

    /**
     * The validation split of a dataset, decoded as training images are (grayscale, CMYK, palette and alpha covers are
     * converted and counted in the dataset's skip log, as for training), in rank order.
     */
    public static ImageSet validation(BookDataset dataset) {
        List<BookRecord> rows = dataset.validation();
        if (rows.isEmpty()) {
            throw new MetricsException("the dataset has no validation split (dataset.validation_split is 0): nothing to "
                    + "compute reference statistics from; set dataset.validation_split or give eval.reference_stats an .npz");
        }
        StringBuilder content = new StringBuilder();
        List<String> names = new ArrayList<>();
        for (BookRecord r : rows) {
            String rel = dataset.images().relative(r);
            names.add(rel);
            try {
                content.append(rel).append(' ').append(Sha256.ofFile(dataset.images().path(r))).append('\n');
            } catch (IOException e) {
                throw new MetricsException(dataset.images().path(r) + ": cannot read: " + e.getMessage(), e);
            }
        }
        CoverDecoder decoder = new CoverDecoder();
        return new ImageSet("validation split of " + dataset.images().root(), List.copyOf(names), i -> {
            BookRecord r = rows.get(i);
            DecodedImage d = decoder.decode(dataset.images().path(r));
            if (d instanceof DecodedImage.Ok ok) {
                if (ok.conversion() != null) {
                    dataset.log().report(ok.conversion(), dataset.images().relative(r), ok.detail());
                }
                return ok.rgb();
            }
            DecodedImage.Failed f = (DecodedImage.Failed) d;
            throw new MetricsException(dataset.images().path(r) + ": unusable reference image (" + f.reason() + ": " + f.detail() + ")");
        }, Sha256.ofText(content.toString()));
    }

    private static BufferedImage strictRgb(CoverDecoder decoder, Path file) {
        DecodedImage d = decoder.decode(file);
        if (d instanceof DecodedImage.Failed f) {
            throw new MetricsException(file + ": not a usable image (" + f.detail() + ")");
        }
        DecodedImage.Ok ok = (DecodedImage.Ok) d;
        if (ok.conversion() != null) {
            throw new MetricsException(file + ": is not an RGB image (" + ok.conversion().name().toLowerCase(Locale.ROOT)
                    .replace('_', ' ') + (ok.detail() == null ? "" : ", " + ok.detail()) + "); FID statistics need RGB "
                    + "images: convert it to RGB first (pytorch-fid would convert it with PIL's convert('RGB'))");
        }
        return ok.rgb();
    }

    static String extension(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot < 0 ? "" : n.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
