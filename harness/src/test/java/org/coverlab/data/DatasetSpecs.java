package org.coverlab.data;

import org.coverlab.spec.DatasetSpec;
import org.coverlab.spec.Resolution;

/** Spec variants for tests: the default spec with a few components replaced. */
final class DatasetSpecs {

    private DatasetSpecs() {
    }

    static DatasetSpec goodreads(String path, String csv) {
        DatasetSpec d = DatasetSpec.DEFAULT;
        return new DatasetSpec(DatasetSpec.Source.GOODREADS, path, csv, d.imagePattern(), 0, 0, d.subset(),
                d.resolution(), d.resize(), false, 0.0, d.cleaning(), d.englishRatio(), d.captions());
    }

    static DatasetSpec with(DatasetSpec d, int images, DatasetSpec.Subset subset, double validation,
                            DatasetSpec.Cleaning cleaning, boolean flip) {
        return new DatasetSpec(d.source(), d.path(), d.csv(), d.imagePattern(), images, d.syntheticCovers(), subset, d.resolution(),
                d.resize(), flip, validation, cleaning, d.englishRatio(), d.captions());
    }

    static DatasetSpec resolution(DatasetSpec d, Resolution r, DatasetSpec.Resize resize) {
        return new DatasetSpec(d.source(), d.path(), d.csv(), d.imagePattern(), d.images(), d.syntheticCovers(), d.subset(), r,
                resize, d.flip(), d.validationSplit(), d.cleaning(), d.englishRatio(), d.captions());
    }
}
