package org.coverlab.track.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.mlflow.api.proto.Service.Metric;
import org.mlflow.api.proto.Service.Param;
import org.mlflow.api.proto.Service.RunTag;
import org.junit.jupiter.api.Test;

class LogBatchBufferTest {

    private record Batch(List<Metric> metrics, List<Param> params, List<RunTag> tags) {
        int bytes() {
            int n = 0;
            for (Param p : params) {
                n += LogBatchBuffer.utf8(p.getValue());
            }
            return n;
        }
    }

    private final List<Batch> sent = new ArrayList<>();
    private final LogBatchBuffer buffer = new LogBatchBuffer((m, p, t) -> sent.add(new Batch(m, p, t)));

    @Test
    void splitsAtTheCountLimitsAndKeepsOrder() throws Exception {
        for (int i = 0; i < 2500; i++) {
            buffer.add(Metric.newBuilder().setKey("m").setStep(i).setValue(i).build());
        }
        for (int i = 0; i < 250; i++) {
            buffer.add(Param.newBuilder().setKey("p" + i).setValue("v").build());
        }
        buffer.flush();
        List<Long> steps = new ArrayList<>();
        for (Batch b : sent) {
            assertTrue(b.metrics().size() <= LogBatchBuffer.MAX_METRICS);
            assertTrue(b.params().size() <= LogBatchBuffer.MAX_PARAMS);
            assertTrue(b.metrics().size() + b.params().size() + b.tags().size() <= LogBatchBuffer.MAX_ENTITIES);
            b.metrics().forEach(m -> steps.add(m.getStep()));
        }
        assertEquals(2500, steps.size());
        for (int i = 0; i < steps.size(); i++) {
            assertEquals(i, steps.get(i));
        }
        assertEquals(250, sent.stream().mapToInt(b -> b.params().size()).sum());
    }

    @Test
    void splitsBeforeTheRequestSizeLimit() throws Exception {
        for (int i = 0; i < 99; i++) {
            // Under the 100-param limit, but escaped as six-character escapes these values are ~35 kB each: 3.4 MB in all.
            buffer.add(Param.newBuilder().setKey("p" + i).setValue("\uD83D\uDE00".repeat(2900)).build());
        }
        buffer.flush();
        assertTrue(sent.size() >= 4, "expected the byte budget to split the params, got " + sent.size() + " batch(es)");
        sent.forEach(b -> assertTrue(b.bytes() <= LogBatchBuffer.MAX_BYTES));
    }

    @Test
    void aRepeatedTagKeyStartsANewBatch() throws Exception {
        buffer.add(RunTag.newBuilder().setKey("t").setValue("1").build());
        buffer.add(RunTag.newBuilder().setKey("t").setValue("2").build());
        buffer.flush();
        assertEquals(2, sent.size());
        assertEquals("2", sent.get(1).tags().get(0).getValue());
    }

    @Test
    void flushWithNothingPendingSendsNothing() throws Exception {
        buffer.flush();
        assertEquals(0, sent.size());
    }
}
