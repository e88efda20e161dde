package org.coverlab.spec;

import java.util.List;

/** Where training and reference images come from and how they become (image, caption) examples. */
public record DatasetSpec(
        @Doc("goodreads (a Kaggle-layout folder) or synthetic (generated on first use into path, extended when a spec uses more covers than it holds)") Source source,
        @Doc("Dataset folder (relative paths resolve against the spec file's folder)") String path,
        @Doc("CSV file inside path: the raw Kaggle book_data.csv, a cleaned train/test CSV (unnamed index column), or an index,caption CSV") String csv,
        @Doc("Image path pattern inside path; {i} is the 0-based CSV row (or the index column of a cleaned CSV)") String imagePattern,
        @Doc("Number of training examples taken (0 = all)") @Range(min = 0) int images,
        @Doc("source synthetic: the experiment uses the first N covers of the generated set (seed 0) and draws its "
                + "validation split and training subset from them; raised to what dataset.images needs after the "
                + "validation split (0 = just that, or 10000 when images is 0). Specs with the same N see the same "
                + "covers and validation split; a harness-generated folder holding fewer covers is extended to N")
        @Range(min = 0, max = 1000000) int syntheticCovers,
        @Doc("first (the first N by list rank, as the original) or random (a seeded random subset)") Subset subset,
        @Doc("Training image size (images are resized to it)") Resolution resolution,
        @Doc("square (stretch, as the original), center_crop, or keep_aspect (pad to the target)") Resize resize,
        @Doc("Random horizontal flip during training") boolean flip,
        @Doc("Fraction of cleaned rows held out for validation and FID reference statistics") @Range(min = 0.0, max = 1.0) double validationSplit,
        @Doc("Cleaning preset: original (drop rows missing title/authors/description/genres and non-English descriptions), fields (missing fields only) or none") Cleaning cleaning,
        @Doc("Minimum share of English characters in a description when cleaning is original (the original used 0.97)") @Range(min = 0.0, max = 1.0) double englishRatio,
        @Doc("How captions are built from the CSV fields") CaptionSpec captions) {

    public static final DatasetSpec DEFAULT = new DatasetSpec(
            Source.SYNTHETIC, "../datasets/synthetic-covers", "book_data.csv", "images/images/{i}.jpg",
            0, 0, Subset.FIRST, Resolution.TINY, Resize.SQUARE, false, 0.1, Cleaning.ORIGINAL, 0.97, CaptionSpec.DEFAULT);

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
        ORIGINAL, FIELDS, NONE;

        @Override
        public String key() {
            return name().toLowerCase();
        }
    }

    /**
     * Caption templates; placeholders are {title}, {author}, {genre}, {genres}, {legible}, {description} ({{ and }} are
     * literal braces). Runs of spaces left by empty fields are collapsed, so "A {legible} book" reads "A book".
     */
    public record CaptionSpec(
            @Doc("Caption templates, one picked per example from a seeded RNG") List<String> templates,
            @Doc("Append the book description to the caption (unless the template places {description} itself)") boolean includeDescription,
            @Doc("Text substituted for {legible} (the original left it empty)") String legibleText) {

        public static final CaptionSpec DEFAULT = new CaptionSpec(List.of(
                "A {legible} book cover with author {author}, book title {title}",
                "A {legible} book cover of {title} by {author}",
                "The cover of the book {title}, written by {author}",
                "A {genre} book cover for {title} by {author}",
                "Book cover, {genre}, title {title}, author {author}"), false, "");
    }
}
