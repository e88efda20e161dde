package org.coverlab.study;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.coverlab.run.RunDir;
import org.coverlab.run.RunEvent;
import org.coverlab.run.RunId;
import org.coverlab.run.RunOverview;
import org.coverlab.run.RunState;
import org.coverlab.run.RunStatus;
import org.coverlab.run.RunStore;
import org.coverlab.run.UnknownRunException;
import org.coverlab.util.TextTable;

/**
 * The study's table: one row per member with what its run folder says (status, stage, step, last metrics) and what
 * the executor's scheduler says (job id, state). Read-only, safe while members run. The same rows make the local
 * executor's progress table, {@code study status} and {@code summary.csv}.
 */
public final class StudyStatus {

    /** One member as it stands; {@code status} is the run's effective status ("killed" for a vanished process). */
    public record Row(StudyMember member, String overrides, RunStatus status, String stage, long step, String metrics,
                      SchedulerState scheduler, String error) {

        public boolean finished() {
            return status == RunStatus.FINISHED;
        }
    }

    private StudyStatus() {}

    /** The rows of {@code record}'s members in order, with the scheduler's view where it has one. */
    public static List<Row> rows(StudyRecord record, Map<String, SchedulerState> scheduler) throws IOException {
        RunStore store = new RunStore(Path.of(record.runsDir()), new RunId(), Clock.systemUTC());
        List<Row> rows = new ArrayList<>();
        for (StudyMember m : record.members()) {
            SchedulerState s = scheduler.getOrDefault(m.runId(), SchedulerState.NONE);
            String overrides = String.join(" ", m.sweepOverrides(record.studyWideSet()));
            RunDir dir;
            try {
                dir = store.find(m.runId());
            } catch (UnknownRunException e) {
                rows.add(new Row(m, overrides, null, "-", 0, "-", s, "run folder missing in " + store.root()));
                continue;
            }
            RunOverview o = RunOverview.of(dir);
            RunState st = o.state();
            String metrics = o.lastMetrics().filter(r -> r.event() instanceof RunEvent.Metrics)
                    .map(r -> TextTable.metrics(((RunEvent.Metrics) r.event()).values())).orElse("-");
            // state.json moves at checkpoints; the journal's last metrics say where the run is between them
            long step = Math.max(st == null ? 0 : st.step(), o.lastMetrics().map(r -> r.step()).orElse(0L));
            rows.add(new Row(m, overrides, o.effectiveStatus(), st == null || st.stage() == null ? "-" : st.stage(),
                    step, metrics, s, st == null ? null : st.error()));
        }
        return rows;
    }

    /** The table as text: MEMBER RUN SPEC OVERRIDES STATUS STAGE STEP JOB STATE LAST METRICS. */
    public static void print(PrintStream out, List<Row> rows) {
        List<String[]> table = new ArrayList<>();
        table.add(new String[] {"#", "RUN", "SPEC", "OVERRIDES", "STATUS", "STAGE", "STEP", "JOB", "JOB STATE", "LAST METRICS"});
        for (Row r : rows) {
            table.add(new String[] {Integer.toString(r.member().index()), r.member().runId(), r.member().spec(),
                    r.overrides().isEmpty() ? "-" : r.overrides(), r.status() == null ? "missing" : r.status().key(),
                    r.stage(), Long.toString(r.step()), r.scheduler().jobId(), r.scheduler().state(), r.metrics()});
        }
        TextTable.print(out, table);
    }

    /** Counts by status, e.g. "3 finished, 1 running, 1 pending". */
    public static String counts(List<Row> rows) {
        Map<String, Integer> n = new java.util.LinkedHashMap<>();
        for (Row r : rows) {
            n.merge(r.status() == null ? "missing" : r.status().key(), 1, Integer::sum);
        }
        List<String> parts = new ArrayList<>();
        n.forEach((k, v) -> parts.add(v + " " + k));
        return String.join(", ", parts);
    }

    /** The table as CSV (for summary.csv and the MLflow parent run), fields quoted where needed. */
    public static String csv(List<Row> rows) {
        StringBuilder b = new StringBuilder("index,run_id,spec,overrides,status,stage,step,job_id,job_state,last_metrics\n");
        for (Row r : rows) {
            String[] f = {Integer.toString(r.member().index()), r.member().runId(), r.member().spec(), r.overrides(),
                    r.status() == null ? "missing" : r.status().key(), r.stage(), Long.toString(r.step()),
                    r.scheduler().jobId(), r.scheduler().state(), r.metrics()};
            for (int i = 0; i < f.length; i++) {
                String v = f[i] == null ? "" : f[i];
                b.append(i == 0 ? "" : ",").append(v.matches(".*[,\"\\n].*") ? '"' + v.replace("\"", "\"\"") + '"' : v);
            }
            b.append('\n');
        }
        return b.toString();
    }
}
