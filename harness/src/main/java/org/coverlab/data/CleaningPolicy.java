package org.coverlab.data;

import org.coverlab.spec.DatasetSpec;

import java.util.EnumSet;
import java.util.Set;

/**
 * Which rows survive cleaning: required fields must be non-empty, and (when {@code minEnglishRatio > 0}) the
 * description must look English. Presets follow {@link DatasetSpec.Cleaning}.
 */
public record CleaningPolicy(Set<Field> required, double minEnglishRatio) {

    /** Fields a row may be required to have. */
    public enum Field { TITLE, AUTHORS, DESCRIPTION, GENRES }

    public CleaningPolicy {
        required = required.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(required));
        if (minEnglishRatio < 0 || minEnglishRatio > 1) {
            throw new IllegalArgumentException("minEnglishRatio must be in [0, 1], got " + minEnglishRatio);
        }
    }

    /**
     * original: title, authors, description and genres present and a description at least {@code englishRatio}
     * English characters (the original notebook used 0.97); fields: the same fields, any language; none: keep every
     * parseable row.
     */
    public static CleaningPolicy of(DatasetSpec.Cleaning preset, double englishRatio) {
        return switch (preset) {
            case ORIGINAL -> new CleaningPolicy(EnumSet.allOf(Field.class), englishRatio);
            case FIELDS -> new CleaningPolicy(EnumSet.allOf(Field.class), 0);
            case NONE -> new CleaningPolicy(Set.of(), 0);
        };
    }

    /** The reason a row is dropped, or {@code null} to keep it. Rows with a fixed caption only need the caption. */
    public Rejection check(BookRecord r) {
        if (r.hasFixedCaption()) {
            return r.caption().isBlank() ? new Rejection(SkipReason.MISSING_FIELDS, "caption") : null;
        }
        for (Field f : Field.values()) {
            if (required.contains(f) && missing(r, f)) {
                return new Rejection(SkipReason.MISSING_FIELDS, f.name().toLowerCase());
            }
        }
        if (minEnglishRatio > 0 && !r.description().isEmpty()) {
            double ratio = EnglishText.ratio(r.description());
            if (ratio < minEnglishRatio) {
                return new Rejection(SkipReason.NOT_ENGLISH,
                        String.format(java.util.Locale.ROOT, "English character ratio %.3f < %.3f", ratio, minEnglishRatio));
            }
        }
        return null;
    }

    private static boolean missing(BookRecord r, Field f) {
        return switch (f) {
            case TITLE -> r.title().isBlank();
            case AUTHORS -> r.authors().isEmpty();
            case DESCRIPTION -> r.description().isBlank();
            case GENRES -> r.genres().isEmpty();
        };
    }

    /** Why a row was dropped. */
    public record Rejection(SkipReason reason, String detail) {}
}
