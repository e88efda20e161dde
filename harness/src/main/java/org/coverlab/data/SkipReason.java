package org.coverlab.data;

/** Why an example was dropped or changed; the run log counts each. */
public enum SkipReason {
    MALFORMED_ROW("malformed CSV row", true),
    MISSING_FIELDS("missing required field", true),
    NOT_ENGLISH("description not English", true),
    IMAGE_MISSING("image file missing", true),
    IMAGE_UNREADABLE("image unreadable", true),
    IMAGE_TRUNCATED("image truncated", true),
    GRAYSCALE_CONVERTED("grayscale image converted to RGB", false),
    CMYK_CONVERTED("CMYK image converted to RGB", false),
    PALETTE_OR_ALPHA_CONVERTED("palette/alpha image converted to RGB", false);

    private final String label;
    private final boolean dropped;

    SkipReason(String label, boolean dropped) {
        this.label = label;
        this.dropped = dropped;
    }

    public String label() {
        return label;
    }

    /** True when the example is dropped; false when it was converted and kept. */
    public boolean dropped() {
        return dropped;
    }
}
