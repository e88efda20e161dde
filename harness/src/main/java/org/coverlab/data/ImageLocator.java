package org.coverlab.data;

import java.nio.file.Path;

/** Maps a row to its image file through the spec's pattern, e.g. "images/images/{i}.jpg". */
public record ImageLocator(Path root, String pattern) {

    public ImageLocator {
        if (!pattern.contains("{i}")) {
            throw new DataException("dataset.image_pattern: '" + pattern + "' has no {i} placeholder for the image index");
        }
    }

    public Path path(BookRecord book) {
        return root.resolve(relative(book));
    }

    public String relative(BookRecord book) {
        return pattern.replace("{i}", Integer.toString(book.imageIndex()));
    }
}
