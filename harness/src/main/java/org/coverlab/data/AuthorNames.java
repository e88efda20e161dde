package org.coverlab.data;

import java.util.List;

/** Joins author lists for captions: "A", "A and B", "A, B and C", "A, B, C and others". */
public final class AuthorNames {

    /** More names than this are summarised: Goodreads lists translators and illustrators after the author. */
    static final int MAX_NAMED = 3;

    private AuthorNames() {
    }

    public static String join(List<String> authors) {
        if (authors.isEmpty()) {
            return "";
        }
        if (authors.size() == 1) {
            return authors.get(0);
        }
        if (authors.size() > MAX_NAMED) {
            return String.join(", ", authors.subList(0, MAX_NAMED)) + " and others";
        }
        return String.join(", ", authors.subList(0, authors.size() - 1)) + " and " + authors.get(authors.size() - 1);
    }
}
