package org.coverlab.data;

import java.awt.image.BufferedImage;

/** The outcome of decoding one image file. */
public sealed interface DecodedImage {

    /** An RGB image ({@link BufferedImage#TYPE_INT_RGB}); conversion says what was changed to get it, or null. */
    record Ok(BufferedImage rgb, SkipReason conversion, String detail) implements DecodedImage {}

    /** The image cannot be used; reason is one of the dropping {@link SkipReason}s. */
    record Failed(SkipReason reason, String detail) implements DecodedImage {}
}
