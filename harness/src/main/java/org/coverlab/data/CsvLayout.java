package org.coverlab.data;

/** The CSV shapes the loader reads, recognised from the header row. */
public enum CsvLayout {
    /** Kaggle's book_data.csv: 12 named columns, no index; the image index is the 0-based data row. */
    KAGGLE_RAW,
    /** The original notebook's cleaned train/test CSVs: pandas' unnamed first column holds the image index. */
    CLEANED,
    /** Generic image-caption pairs: an index column (or none: row position) and a caption column. */
    CAPTIONS
}
