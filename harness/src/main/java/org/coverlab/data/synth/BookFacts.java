package org.coverlab.data.synth;

import java.util.List;

/** The catalogue data of one synthetic book: what goes into its CSV row and onto its cover. */
public record BookFacts(Genre genre, String title, List<String> authors, String description, List<String> genres,
                        String format, String edition, String isbn, int pages, double rating, int ratingCount,
                        int reviewCount) {

    public BookFacts {
        authors = List.copyOf(authors);
        genres = List.copyOf(genres);
    }
}
