package org.coverlab.stages.prepare;

import java.util.Optional;
import org.coverlab.stages.StageRuns;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;
import org.coverlab.run.Cancellation;
import org.coverlab.run.Journal;
import org.coverlab.run.JournalRecord;
import org.coverlab.run.RunJson;
import org.coverlab.run.RunStatus;
import org.coverlab.run.Runner;
import org.coverlab.run.Stage;
import org.coverlab.stages.Pipeline;
import org.coverlab.spec.DatasetSpec;
import org.coverlab.spec.ExperimentSpec;
import org.coverlab.spec.SpecValues;
import org.coverlab.run.RunEvent;
import org.coverlab.util.Sha256;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrepareDataStageTest {

    @TempDir
    Path dir;

    private List<Stage> prepareOnly(ExperimentSpec spec) throws Exception {
        return Pipeline.standard().plan(spec, List.of(PrepareDataStage.NAME));
    }

    @Test
    void generatesTheSyntheticSetOnceAtomicallyAndRecordsItsProvenance() throws Exception {
        ExperimentSpec spec = StageRuns.spec(dir, StageRuns.gridYaml("synth", 1));
        Path stale = Files.createDirectories(dir.resolve(".synth.partial-2147483646")); // a killed generation's leftover (FolderBuild names it)
        Files.writeString(stale.resolve("book_data.csv"), "half");
        StageRuns runs = new StageRuns(dir.resolve("runs"));

        Runner.Outcome first = runs.run(spec, prepareOnly(spec), new Cancellation());
        assertEquals(RunStatus.FINISHED, first.status(), first.error());
        Path csv = dir.resolve("synth/book_data.csv");
        assertTrue(Files.isRegularFile(csv));
        try (Stream<Path> siblings = Files.list(dir)) {
            assertEquals(List.of(), siblings.filter(p -> p.getFileName().toString().contains(".partial-")
                            || p.getFileName().toString().endsWith(".lock")).toList(),
                    "no private generation folder or lock file is left beside the dataset, the stale folder included");
        }
        JsonNode provenance = RunJson.mapper().readTree(runs.store.find(first.runId()).path().resolve("data/dataset.json").toFile());
        assertTrue(provenance.get("generated").asBoolean());
        assertEquals(24, provenance.get("csvRows").asInt(), "ceil(20 / 0.9) + 1 covers for 20 training images");
        assertEquals(24, provenance.get("rowsUsable").asInt());
        assertEquals(20, provenance.get("trainExamples").asInt(), "dataset.images of the training split");
        assertEquals(2, provenance.get("validationExamples").asInt(), "10% of 24, held out");
        assertEquals(Sha256.ofFile(csv), provenance.get("csvSha256").asText());
        RunEvent.Summary summary = summaries(first.runId(), runs).get(0);
        assertEquals(provenance.get("csvSha256").asText(), summary.values().get("dataset.csv_sha256"));
        assertEquals(PrepareDataStage.datasetSpecHash(spec), summary.values().get("dataset.spec_sha256"));

        Files.setLastModifiedTime(csv, FileTime.fromMillis(1_000_000_000_000L));
        Runner.Outcome second = runs.run(spec, prepareOnly(spec), new Cancellation());
        assertEquals(RunStatus.FINISHED, second.status(), second.error());
        assertEquals(1_000_000_000_000L, Files.getLastModifiedTime(csv).toMillis(), "an existing set is not regenerated");
        JsonNode again = RunJson.mapper().readTree(runs.store.find(second.runId()).path().resolve("data/dataset.json").toFile());
        assertFalse(again.get("generated").asBoolean());
        assertEquals(provenance.get("csvSha256"), again.get("csvSha256"));
    }

    @Test
    void aGenerationInProgressInAnotherProcessIsWaitedFor() throws Exception {
        ExperimentSpec spec = StageRuns.spec(dir, StageRuns.gridYaml("synth", 1));
        Path ready = dir.resolve("locked");
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), HoldGenerationLock.class.getName(),
                dir.resolve(".synth.generate.lock").toString(), ready.toString(), "2500").inheritIO().start();
        try {
            for (int i = 0; i < 200 && !Files.exists(ready); i++) {
                Thread.sleep(50);
            }
            assertTrue(Files.exists(ready), "the helper process took the lock");
            StageRuns runs = new StageRuns(dir.resolve("runs"));
            Runner.Outcome outcome = runs.run(spec, prepareOnly(spec), new Cancellation());
            assertEquals(RunStatus.FINISHED, outcome.status(), outcome.error());
            assertTrue(Files.readString(runs.store.find(outcome.runId()).log()).contains("another process is generating"));
            assertTrue(Files.isRegularFile(dir.resolve("synth/book_data.csv")));
            holder.waitFor();
            assertFalse(Files.exists(dir.resolve(".synth.generate.lock")), "no lock file left beside the dataset");
        } finally {
            holder.destroyForcibly();
        }
    }

    @Test
    void aResumedPrepareAfterItsCheckpointIsANoOp() throws Exception {
        ExperimentSpec spec = StageRuns.spec(dir, StageRuns.gridYaml("synth", 1));
        StageRuns runs = new StageRuns(dir.resolve("runs"));
        // The sample stage is cancelled before drawing anything, so prepare_data is complete and checkpointed.
        Cancellation cancel = new Cancellation();
        Stage stop = new Stage() {
            @Override
            public String name() {
                return "train";
            }

            @Override
            public Optional<String> neededBecause(ExperimentSpec s) {
                return Optional.of("the test needs it");
            }

            @Override
            public void run(org.coverlab.run.StageContext ctx) {
                cancel.cancel("test stops after prepare_data");
                ctx.checkCancelled();
            }
        };
        List<Stage> plan = Pipeline.standard().with(stop).plan(spec, List.of(PrepareDataStage.NAME, "train"));
        Runner.Outcome killed = runs.run(spec, plan, cancel);
        assertEquals(RunStatus.KILLED, killed.status());
        Path datasetJson = runs.store.find(killed.runId()).path().resolve("data/dataset.json");
        long written = Files.getLastModifiedTime(datasetJson).toMillis();

        Runner.Outcome resumed = runs.resume(killed.runId(), spec, Pipeline.standard().plan(spec, List.of(PrepareDataStage.NAME)));
        assertEquals(RunStatus.FINISHED, resumed.status(), resumed.error());
        assertEquals(written, Files.getLastModifiedTime(datasetJson).toMillis());
        assertEquals(1, summaries(killed.runId(), runs).size(), "the provenance summary is journaled once");
    }

    @Test
    void aMissingGoodreadsFolderFailsNamingDatasetPath() throws Exception {
        // The loader refuses such a spec up front; this is the folder disappearing before the stage runs (a resume).
        ExperimentSpec spec = goodreads(StageRuns.spec(dir, StageRuns.gridYaml("no-such-folder", 1)
                .replace("train: {epochs: 0}", "train: {epochs: 1, components: [unet]}")));
        StageRuns runs = new StageRuns(dir.resolve("runs"));
        Runner.Outcome outcome = runs.run(spec, prepareOnly(spec), new Cancellation());
        assertEquals(RunStatus.FAILED, outcome.status());
        assertTrue(outcome.error().startsWith("prepare_data: dataset.path: folder " + dir.resolve("no-such-folder")),
                outcome.error());
        assertFalse(Files.exists(dir.resolve("no-such-folder")), "nothing is generated for a goodreads source");
    }

    @Test
    void neededWhenTheDataIsReadOrASyntheticSetBacksASamplingRun() throws Exception {
        PrepareDataStage stage = new PrepareDataStage();
        String grids = StageRuns.gridYaml("synth", 1);
        assertTrue(needed(stage, StageRuns.spec(dir, grids)));
        assertFalse(needed(stage, goodreads(StageRuns.spec(dir, grids))), "a goodreads folder nothing reads is not required");
        assertTrue(needed(stage, goodreads(StageRuns.spec(dir,
                grids.replace("train: {epochs: 0}", "train: {epochs: 1, components: [unet]}")))));
        assertFalse(needed(stage, StageRuns.spec(dir, grids.replace("every: end", "every: never"))));
    }

    private static boolean needed(PrepareDataStage stage, ExperimentSpec spec) {
        return stage.neededBecause(spec).isPresent();
    }

    private static ExperimentSpec goodreads(ExperimentSpec spec) {
        return SpecValues.with(spec, "dataset.source", DatasetSpec.Source.GOODREADS);
    }

    private static List<RunEvent.Summary> summaries(String id, StageRuns runs) throws Exception {
        return Journal.read(runs.store.find(id).journal()).stream().map(JournalRecord::event)
                .filter(e -> e instanceof RunEvent.Summary).map(e -> (RunEvent.Summary) e)
                .filter(s -> s.values().containsKey("dataset.csv_sha256")).toList();
    }
}
