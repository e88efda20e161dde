package org.coverlab.data.synth;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Invents a book from seeded word lists: genre, title, one to three authors (some with non-ASCII names, so the
 * CSV carries Unicode), an English description, and plausible Goodreads fields, including ISBNs mangled into scientific
 * notation and titles with commas and quotes as the real file has.
 */
public final class BookFactsGenerator {

    private static final List<String> FIRST = List.of(
            "Anna", "James", "Maria", "Oliver", "Zoë", "José", "Amara", "Chen", "Priya", "Liam", "Sofia", "Noah",
            "Hiroshi", "Ingrid", "Mateo", "Fatima", "Elena", "Kwame", "Søren", "Margaret", "Daniel", "Aisha", "Lucas",
            "Clara", "Rafael", "Yuki", "Nadia", "Thomas", "Beatriz", "Ewan", "Leïla", "Victor", "Hannah", "Ravi");
    private static final List<String> LAST = List.of(
            "Whitaker", "Moreau", "Okafor", "Lindqvist", "Castillo", "Brontë", "Nakamura", "Fairbanks", "Delacroix",
            "Hughes", "Marlowe", "Adeyemi", "Sørensen", "Kowalski", "Ashford", "Petrov", "Gallagher", "Rivera", "Quinn",
            "Novak", "Abernathy", "Müller", "Thorne", "Bellamy", "Vance", "O'Connell", "Harrow", "Iyer", "Sinclair");
    private static final List<String> PLACES = List.of(
            "Winterfell Bay", "the North", "Paris", "Ravenmoor", "the Deep", "Kyoto", "the Valley", "Lisbon", "the Coast",
            "Eldham", "the City", "Marrakesh", "the Marsh", "Salt Harbor");
    private static final List<String> FORMATS = List.of(
            "Paperback", "Paperback", "Hardcover", "Hardcover", "Kindle Edition", "Mass Market Paperback", "ebook");
    private static final List<String> EDITIONS = List.of(
            "", "", "", "", "", "First Edition", "Anniversary Edition", "Deluxe Edition", "Reprint");

    private BookFactsGenerator() {
    }

    public static BookFacts generate(SplittableRandom rng) {
        Genre genre = pick(rng, List.of(Genre.values()));
        String title = title(rng, genre);
        List<String> authors = new ArrayList<>();
        authors.add(person(rng));
        if (rng.nextInt(6) == 0) {
            authors.add(person(rng)); // co-author or illustrator, as Goodreads lists them
        }
        if (rng.nextInt(25) == 0) {
            authors.add(person(rng));
        }
        Set<String> genres = new LinkedHashSet<>();
        genres.add(genre.label());
        int extra = 1 + rng.nextInt(3);
        for (int i = 0; i < extra; i++) {
            genres.add(pick(rng, genre.related()));
        }
        int pages = 80 + rng.nextInt(620);
        double rating = Math.round((3.0 + rng.nextDouble() * 1.8) * 100) / 100.0;
        int ratingCount = 50 + rng.nextInt(2_000_000);
        int reviewCount = Math.max(1, ratingCount / (20 + rng.nextInt(40)));
        return new BookFacts(genre, title, authors, description(rng, genre, title, authors.get(0)),
                List.copyOf(genres), pick(rng, FORMATS), pick(rng, EDITIONS), isbn(rng), pages, rating, ratingCount,
                reviewCount);
    }

    static String title(SplittableRandom rng, Genre g) {
        String noun = pick(rng, g.nouns());
        String noun2 = pick(rng, g.nouns());
        String adj = pick(rng, g.adjectives());
        return switch (rng.nextInt(9)) {
            case 0 -> "The " + adj + " " + noun;
            case 1 -> noun + " of " + plural(noun2);
            case 2 -> article(noun) + " " + noun + " in " + pick(rng, PLACES);
            case 3 -> "The " + noun + (noun.endsWith("s") ? "' " : "'s ") + noun2;
            case 4 -> adj + " " + plural(noun);
            case 5 -> "The " + noun + ", the " + noun2 + " and Me";
            case 6 -> "\"" + adj + "\" " + noun;
            case 7 -> noun + " " + (2 + rng.nextInt(9));
            default -> "The " + noun;
        };
    }

    private static String article(String word) {
        return "AEIOU".indexOf(Character.toUpperCase(word.charAt(0))) >= 0 ? "An" : "A";
    }

    private static String plural(String noun) {
        if (noun.endsWith("s")) {
            return noun;
        }
        if (noun.endsWith("y") && !noun.endsWith("ey")) {
            return noun.substring(0, noun.length() - 1) + "ies";
        }
        return noun + (noun.endsWith("ch") || noun.endsWith("sh") || noun.endsWith("x") ? "es" : "s");
    }

    static String person(SplittableRandom rng) {
        String first = pick(rng, FIRST);
        if (rng.nextInt(8) == 0) {
            return first.charAt(0) + "." + pick(rng, FIRST).charAt(0) + ". " + pick(rng, LAST);
        }
        return first + " " + pick(rng, LAST);
    }

    static String description(SplittableRandom rng, Genre g, String title, String author) {
        String noun = pick(rng, g.nouns()).toLowerCase(Locale.ROOT);
        String adj = pick(rng, g.adjectives()).toLowerCase(Locale.ROOT);
        String place = pick(rng, PLACES);
        List<String> s = new ArrayList<>();
        s.add(switch (rng.nextInt(4)) {
            case 0 -> "In " + place + ", nothing is what it seems.";
            case 1 -> "When " + article(adj).toLowerCase(Locale.ROOT) + " " + adj + " " + noun + " appears in " + place + ", everything changes.";
            case 2 -> "No one in " + place + " remembers the " + noun + ".";
            default -> "It began with " + article(noun).toLowerCase(Locale.ROOT) + " " + noun + ".";
        });
        s.add(title + " is a " + g.label().toLowerCase(Locale.ROOT) + " story about the " + adj + " "
                + noun + " and the people who would give anything to keep it.");
        if (rng.nextBoolean()) {
            s.add("From " + author + " comes a novel that readers call \u201cimpossible to put down.\u201d");
        }
        if (rng.nextInt(4) == 0) {
            s.add("\n\nNow with a new afterword, \"On the " + noun + "\", by the author.");
        }
        return String.join(" ", s);
    }

    /** Kaggle's export turned many ISBNs into spreadsheet scientific notation; keep some that way. */
    static String isbn(SplittableRandom rng) {
        long isbn = 9_780_000_000_000L + (long) (rng.nextDouble() * 99_999_999_999L);
        return switch (rng.nextInt(4)) {
            case 0 -> String.format(Locale.ROOT, "%.5E", (double) isbn).replace("E", "E+");
            case 1 -> "";
            default -> Long.toString(isbn);
        };
    }

    static <T> T pick(SplittableRandom rng, List<T> list) {
        return list.get(rng.nextInt(list.size()));
    }
}
