package org.coverlab.spec;

import java.util.List;

/** Where training and reference images come from and how they become (image, caption) examples. */
public record DatasetSpec(
        @Doc("goodreads (a Kaggle-layout folder) or synthetic (generated on first use into path)") Source source,
        @Doc("Dataset folder (relative paths resolve against the spec file's folder)") String path,
        @Doc("CSV file inside path: the raw Kaggle book_data.csv or a cleaned train CSV") String csv,
        @Doc("Image path pattern inside path; {i} is the 0-based CSV row (or the index column of a cleaned CSV)") String imagePattern,
        @Doc("Number of training examples taken (0 = all)") @Range(min = 0) int images,
        @Doc("first (the first N by list rank, as the original) or random (a seeded random subset)") Subset subset,
        @Doc("Training image size (images are resized to it)") Resolution resolution,
        @Doc("square (stretch, as the original), center_crop, or keep_aspect (pad to the target)") Resize resize,
        @Doc("Random horizontal flip during training") boolean flip,
        @Doc("Fraction of cleaned rows held out for validation and FID reference statistics") @Range(min = 0.0, max = 1.0) double validationSplit,
        @Doc("Cleaning preset: original (drop missing fields and non-English descriptions) or none") Cleaning cleaning,
        @Doc("How captions are built from the CSV fields") CaptionSpec captions) {

    public static final DatasetSpec DEFAULT = new DatasetSpec(
            Source.SYNTHETIC, "../datasets/synthetic-covers", "book_data.csv", "images/images/{i}.jpg",
            0, Subset.FIRST, Resolution.TINY, Resize.SQUARE, false, 0.1, Cleaning.ORIGINAL, CaptionSpec.DEFAULT);

    public enum Source implements SpecEnum {
        GOODREADS, SYNTHETIC;

        @Override
        public String key() {
            return name().toLowerCase();
        }
    }

    public enum Subset implements SpecEnum {
        FIRST, RANDOM;

        @Override
        public String key() {
            return name().toLowerCase();
        }
    }

    public enum Resize implements SpecEnum {
        SQUARE, CENTER_CROP, KEEP_ASPECT;

        @Override
        public String key() {
            return name().toLowerCase();
        }
    }

    public enum Cleaning implements SpecEnum {
        ORIGINAL, NONE;

        @Override
        public String key() {
            return name().toLowerCase();
        }
    }

    /** Caption templates; placeholders are {title}, {author}, {genre}, {legible}, {description}. */
    public record CaptionSpec(
            @Doc("Caption templates, one picked per example from a seeded RNG") List<String> templates,
            @Doc("Append the book description to the caption") boolean includeDescription,
            @Doc("Text substituted for {legible} (the original left it empty)") String legibleText) {

        public static final CaptionSpec DEFAULT = new CaptionSpec(List.of(
                "A {legible}book cover with author {author}, book title {title}",
                "A {legible}book cover of {title} by {author}",
                "The cover of the book {title}, written by {author}",
                "A {genre} book cover for {title} by {author}",
                "Book cover, {genre}, title {title}, author {author}"), false, "");
    }
}
