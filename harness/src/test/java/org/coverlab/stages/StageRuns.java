package org.coverlab.stages;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.coverlab.run.ActiveRun;
import org.coverlab.run.Cancellation;
import org.coverlab.run.Progress;
import org.coverlab.run.RunDir;
import org.coverlab.run.RunId;
import org.coverlab.run.RunInfo;
import org.coverlab.run.RunLock;
import org.coverlab.run.RunStore;
import org.coverlab.run.Runner;
import org.coverlab.run.Stage;
import org.coverlab.spec.ExperimentSpec;
import org.coverlab.spec.SpecLoader;
import org.coverlab.spec.SpecWriter;

/** Drives real stages through the Runner in-process, as the CLI does, on a small spec written as YAML. */
public final class StageRuns {

    public final RunStore store;
    public final ByteArrayOutputStream console = new ByteArrayOutputStream();

    public StageRuns(Path root) {
        store = new RunStore(root, new RunId(), Clock.systemUTC());
    }

    public static ExperimentSpec spec(Path folder, String yaml) throws Exception {
        return SpecLoader.loadText(yaml, folder.resolve("spec.yaml"), List.of(), SpecLoader.Options.defaults());
    }

    /** A tiny-model grid spec: 32x48 images (latents 4x12x8 with the tiny VAE's factor 4), 2 DDIM steps. */
    public static String gridYaml(String datasetPath, int prompts) {
        StringBuilder p = new StringBuilder();
        for (int i = 0; i < prompts; i++) {
            p.append("    - \"A book cover of Book ").append(i).append(" by Jane Austen\"\n");
        }
        return "name: stages-test\nseed: 3\nmodel: {base: tiny}\n"
                + "dataset: {source: synthetic, path: " + datasetPath + ", images: 20, resolution: {width: 32, height: 48}}\n"
                + "train: {epochs: 0}\n"
                + "sample:\n  prompts:\n" + p + "  seeds: [42, 0]\n  steps: 2\n  scheduler: ddim\n  every: end\n"
                + "eval: {metrics: []}\n";
    }

    public Runner.Outcome run(ExperimentSpec spec, List<Stage> plan, Cancellation cancellation) throws Exception {
        ActiveRun run = store.create(SpecWriter.toYaml(spec), draft(plan));
        return runner(cancellation).drive(run, run.dir().readInfo(), spec, plan, false, null);
    }

    public Runner.Outcome resume(String id, ExperimentSpec spec, List<Stage> plan) throws Exception {
        RunDir dir = store.find(id);
        ActiveRun again = new ActiveRun(dir, RunLock.acquire(id, dir.lockFile()));
        return runner(new Cancellation()).drive(again, dir.readInfo(), spec, plan, true, null);
    }

    public static List<Stage> plan(ExperimentSpec spec, Stage... stages) throws Exception {
        Pipeline catalog = Pipeline.standard();
        for (Stage s : stages) {
            catalog = catalog.with(s);
        }
        return catalog.plan(spec, List.of());
    }

    private Runner runner(Cancellation cancellation) {
        return new Runner(new Runner.Settings(new PrintStream(console, true, StandardCharsets.UTF_8), Progress.Style.LINES,
                Duration.ofSeconds(30), Clock.systemUTC()), cancellation);
    }

    private static RunInfo draft(List<Stage> plan) {
        return new RunInfo(null, "stages-test", null, "/specs/stages-test.yaml", "ab".repeat(32),
                plan.stream().map(Stage::name).toList(), List.of("local"), List.of(), "dev");
    }
}
