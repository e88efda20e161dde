package org.coverlab.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.coverlab.data.synth.GeneratorOptions;
import org.coverlab.data.synth.SyntheticCoverSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticCoverSetRecordTest {

    @Test
    void aBookRecordWithoutItsCoverEqualsTheRowTheLoaderReadsBack(@TempDir Path dir) {
        GeneratorOptions o = new GeneratorOptions(40, 7, 16, 24, 1);
        SyntheticCoverSet.write(dir, o);
        List<BookRecord> read = BookTableReader.read(dir.resolve(SyntheticCoverSet.CSV), new SkipLog()).rows();
        assertEquals(40, read.size());
        for (BookRecord fromCsv : read) {
            BookRecord r = SyntheticCoverSet.record(fromCsv.imageIndex(), o);
            assertEquals(0, r.line(), "read from no file");
            BookRecord sameLine = new BookRecord(r.imageIndex(), r.rank(), fromCsv.line(), r.title(), r.authors(),
                    r.description(), r.genres(), r.format(), r.edition(), r.isbn(), r.pages(), r.rating(),
                    r.ratingCount(), r.reviewCount(), r.imageUrl(), r.caption());
            assertEquals(fromCsv, sameLine, "book " + fromCsv.imageIndex());
        }
    }
}
