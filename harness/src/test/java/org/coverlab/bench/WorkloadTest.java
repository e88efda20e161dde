package org.coverlab.bench;

import ai.djl.ndarray.NDManager;
import org.coverlab.data.synth.GeneratorOptions;
import org.coverlab.data.synth.SyntheticCoverSet;
import org.coverlab.spec.Resolution;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

class WorkloadTest {

    /** The data row streams every cover of the set once per iteration and counts them as its units. */
    @Test
    void dataRowStreamsEveryCoverOncePerIteration(@TempDir Path dir) {
        SyntheticCoverSet.write(dir, new GeneratorOptions(6, 1, 32, 48, 1));
        Rows.Row row = new Rows.Row("data", Rows.Kind.DATA, 1, new Resolution(32, 48), "examples/s", "data");
        try (NDManager m = NDManager.newBaseManager(); Workload w = Workload.create(row, null, dir, m, 1)) {
            w.run();
            assertEquals(6, w.units());
            w.run();
            assertEquals(6, w.units());
        }
    }

    /** Rows travel to both workers as "name kind batch width height" and come back unchanged. */
    @Test
    void rowArgumentsRoundTrip() {
        for (Rows.Row r : Rows.standard(true)) {
            Rows.Row back = Rows.Row.parse(r.arg().split(" "));
            assertEquals(r.name(), back.name());
            assertEquals(r.kind(), back.kind());
            assertEquals(r.batch(), back.batch());
            assertEquals(r.resolution(), back.resolution());
        }
    }
}
