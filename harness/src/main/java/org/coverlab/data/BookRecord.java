package org.coverlab.data;

import java.util.List;

/**
 * One usable row of a Goodreads-layout CSV (or of the generic captions layout).
 *
 * @param imageIndex  the {i} of the image path: the 0-based data row of a raw Kaggle CSV, or the index column of a
 *                    cleaned CSV
 * @param rank        position in the file (0-based, over usable and unusable rows): the list rank the original used
 *                    for "first N" and head/tail splits
 * @param line        1-based line the row starts on, for messages
 * @param authors     authors in file order (the Kaggle file separates them with '|')
 * @param genres      genres in file order, most voted first
 * @param caption     a fixed caption (generic captions layout), or {@code null} when captions come from templates
 */
public record BookRecord(
        int imageIndex, int rank, long line,
        String title, List<String> authors, String description, List<String> genres,
        String format, String edition, String isbn, String pages, String rating,
        String ratingCount, String reviewCount, String imageUrl,
        String caption) {

    public BookRecord {
        authors = List.copyOf(authors);
        genres = List.copyOf(genres);
    }

    /** A row of the generic captions layout: only an image and its caption. */
    public static BookRecord captioned(int imageIndex, int rank, long line, String caption) {
        return new BookRecord(imageIndex, rank, line, "", List.of(), "", List.of(), "", "", "", "", "", "", "", "", caption);
    }

    public boolean hasFixedCaption() {
        return caption != null;
    }
}
