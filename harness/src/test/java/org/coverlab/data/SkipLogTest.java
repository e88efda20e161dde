package org.coverlab.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SkipLogTest {

    @Test
    void keepsTheFirstFewMessagesOfEachReasonSoManyDropsOfOneKindHideNoOther() {
        SkipLog log = new SkipLog(2);
        for (int i = 0; i < 5000; i++) {
            log.report(SkipReason.NOT_ENGLISH, "book_data.csv:" + (i + 2), "ratio 0.5");
        }
        log.report(SkipReason.IMAGE_TRUNCATED, "images/images/7.jpg", "premature end");
        log.report(SkipReason.IMAGE_TRUNCATED, "images/images/7.jpg", "premature end"); // same subject: once
        assertEquals(List.of(
                "book_data.csv:2: description not English (ratio 0.5)",
                "book_data.csv:3: description not English (ratio 0.5)",
                "images/images/7.jpg: image truncated (premature end)"), log.firstMessages());
        assertEquals(5000, log.count(SkipReason.NOT_ENGLISH));
        assertEquals(1, log.count(SkipReason.IMAGE_TRUNCATED));
    }

    @Test
    void countsIterateInReasonOrderWhateverOrderTheyArrivedIn() {
        // data/dataset.json is written from counts(): its bytes must not depend on arrival order.
        SkipLog a = new SkipLog();
        SkipLog b = new SkipLog();
        List<SkipReason> reasons = new ArrayList<>(List.of(SkipReason.values()));
        for (SkipReason r : reasons) {
            a.report(r, "x", null);
        }
        java.util.Collections.reverse(reasons);
        for (SkipReason r : reasons) {
            b.report(r, "x", null);
        }
        assertEquals(List.of(SkipReason.values()), new ArrayList<>(a.counts().keySet()));
        assertEquals(new ArrayList<>(a.counts().keySet()), new ArrayList<>(b.counts().keySet()));
        assertTrue(a.summary().equals(b.summary()), a.summary() + " vs " + b.summary());
    }
}
