package org.coverlab.data;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Loads one training example (decode, convert, resize, flip, caption). A bad image is reported to the {@link SkipLog}
 * once and remembered, so later epochs skip it without decoding; this never throws for bad data.
 */
public final class ExampleLoader implements DataPipeline.Loader {

    private final ImageLocator images;
    private final CoverDecoder decoder;
    private final ImagePreprocessor preprocessor;
    private final CaptionBuilder captions;
    private final boolean flip;
    private final long seed;
    private final SkipLog log;
    private final Set<Integer> bad = ConcurrentHashMap.newKeySet();

    public ExampleLoader(ImageLocator images, CoverDecoder decoder, ImagePreprocessor preprocessor,
                         CaptionBuilder captions, boolean flip, long seed, SkipLog log) {
        this.images = images;
        this.decoder = decoder;
        this.preprocessor = preprocessor;
        this.captions = captions;
        this.flip = flip;
        this.seed = seed;
        this.log = log;
    }

    /** The example, or {@code null} when its image is unusable. {@code after} is the cursor past this example. */
    @Override
    public TrainingExample load(BookRecord book, int epoch, Cursor after) {
        if (bad.contains(book.imageIndex())) {
            return null;
        }
        Path file = images.path(book);
        DecodedImage decoded;
        try {
            decoded = decoder.decode(file);
        } catch (RuntimeException e) {
            decoded = new DecodedImage.Failed(SkipReason.IMAGE_UNREADABLE, e.toString());
        }
        String subject = images.relative(book);
        if (decoded instanceof DecodedImage.Failed f) {
            bad.add(book.imageIndex());
            log.report(f.reason(), subject, f.detail());
            return null;
        }
        DecodedImage.Ok ok = (DecodedImage.Ok) decoded;
        if (ok.conversion() != null) {
            log.report(ok.conversion(), subject, ok.detail());
        }
        boolean flipped = flip && Seeds.choose(2, seed, Seeds.Purpose.FLIP, epoch, book.imageIndex()) == 1;
        float[] pixels = preprocessor.apply(ok.rgb(), flipped);
        return new TrainingExample(book, captions.caption(book, epoch), pixels,
                preprocessor.width(), preprocessor.height(), flipped, after);
    }
}
