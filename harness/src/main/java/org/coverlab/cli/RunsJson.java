package org.coverlab.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import org.coverlab.run.RunOverview;
import org.coverlab.run.RunEvent;

/** The JSON shape of a run in {@code runs list --json} and {@code runs show --json}. */
final class RunsJson {

    private RunsJson() {}

    static Map<String, Object> overview(RunOverview o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", o.dir().id());
        m.put("name", o.info().name());
        m.put("status", o.effectiveStatus().key());
        m.put("stale", o.stale());
        m.put("stage", o.state() == null ? null : o.state().stage());
        m.put("step", o.step().orElse(null));
        m.put("checkpoint", o.state() == null || o.state().lastCheckpoint() == null ? null : Map.of(
                "name", o.state().lastCheckpoint(), "epoch", o.state().epoch(), "step", o.state().step()));
        m.put("createdAt", o.info().createdAt());
        m.put("lastMetrics", o.lastMetrics().map(r -> {
            Map<String, Object> last = new LinkedHashMap<>();
            last.put("step", r.step());
            last.put("time", r.time());
            last.put("values", r.event() instanceof RunEvent.Metrics metrics ? metrics.values() : Map.of());
            return last;
        }).orElse(null));
        return m;
    }
}
