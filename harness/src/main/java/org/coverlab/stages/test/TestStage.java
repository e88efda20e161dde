package org.coverlab.stages.test;

import java.util.Optional;
import org.coverlab.run.Checkpoint;
import org.coverlab.run.Progress;
import org.coverlab.run.Stage;
import org.coverlab.run.RunSettings;
import org.coverlab.run.StageContext;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.coverlab.spec.ExperimentSpec;
import org.coverlab.run.RunEvent;

/**
 * A deterministic stand-in for training that exercises the whole harness spine (journal, checkpoints, resume, lock,
 * progress) in seconds and without a model: selected only with {@code --stages test}, never part of a spec's own
 * pipeline. It runs {@code max(1, train.epochs)} epochs of N steps, logs {@code loss}, {@code loss_ema}, {@code lr}
 * and {@code epoch} at every step, and checkpoints every {@code train.checkpoint_every} steps (0 = at epoch ends) and
 * at the last step, keeping {@code train.keep_last}; asked to stop with a checkpoint first (SIGUSR1), it saves one
 * at the step it stopped at.
 *
 * <p>The loss at a step is a pure function of (seed, step); {@code loss_ema} depends on the whole history and is carried
 * across checkpoints in a file ({@code ema.bin}), so a resumed run reproduces an uninterrupted run's metrics exactly
 * only if checkpoint files and state are restored correctly.
 *
 * <p>Pacing: steps per epoch and the sleep per step come from {@link org.coverlab.run.RunSettings} ({@code
 * COVERLAB_TEST_STEPS}, default 50, fixed at the first checkpoint so a resume keeps the run's original length;
 * {@code COVERLAB_TEST_STEP_MILLIS}, default 100 ms, so there is time to kill it); {@code COVERLAB_TEST_HOLD_AT_STEP}
 * makes it wait at one step until it is stopped or released ({@value RunSettings#TEST_RELEASE_FILE} in the run folder), so a test acts
 * at a known step rather than at a moment.
 */
public final class TestStage implements Stage {

    public static final String NAME = "test";

    private static final String EMA_FILE = "ema.bin";

    @Override
    public String name() {
        return NAME;
    }

    /** No spec needs the test stage: the pipeline runs it only when named with {@code --stages test}. */
    @Override
    public Optional<String> neededBecause(ExperimentSpec spec) {
        return Optional.empty();
    }

    @Override
    public String checkpointName(long step) {
        return Long.toString(step); // owns the step axis, like training
    }

    /** The loss the fake model reports at a step: a decaying curve plus seeded noise. */
    public static double lossAt(long seed, long step) {
        double noise = new SplittableRandom(seed * 1_000_003L + step).nextDouble() * 0.05;
        return 0.1 + 2.0 * Math.exp(-step / 40.0) + noise;
    }

    /** Exponential moving average the stage keeps: the first step's loss, then 0.9 * ema + 0.1 * loss. */
    public static double emaAfter(double previous, double loss, long step) {
        return step == 1 ? loss : 0.9 * previous + 0.1 * loss;
    }

    @Override
    public void run(StageContext ctx) throws Exception {
        ExperimentSpec spec = ctx.spec();
        long epochs = Math.max(1, spec.train().epochs());
        long stepsPerEpoch = ctx.settings().testSteps();
        long sleepMillis = ctx.settings().testStepMillis();
        int checkpointEvery = spec.train().checkpointEvery();
        long step = 0;
        double ema = 0;
        if (ctx.resumeFrom().isPresent()) {
            Checkpoint c = ctx.resumeFrom().get();
            long recorded = c.longState("steps_per_epoch");
            if (recorded != stepsPerEpoch) {
                ctx.log().warn("keeping the run's {} steps per epoch (this process was configured with {})", recorded, stepsPerEpoch);
            }
            stepsPerEpoch = recorded;
            step = c.step();
            ema = readEma(c.dir());
            ctx.log().info("resuming the test loop at step {} (epoch {})", step, c.epoch());
        }
        long total = epochs * stepsPerEpoch;
        ctx.log().info("test loop: {} epoch(s) x {} steps, checkpoint every {}, {} ms per step",
                epochs, stepsPerEpoch, checkpointEvery == 0 ? "epoch" : checkpointEvery + " steps", sleepMillis);
        long saved = step;
        try (Progress progress = ctx.progress("test", total, step)) {
            while (step < total) {
                if (ctx.checkpointBeforeStop() && step > saved) {
                    saveCheckpoint(ctx, step, stepsPerEpoch, epochs, ema); // the job is requeued and resumes here
                    saved = step;
                }
                ctx.checkCancelled();
                if (sleepMillis > 0) {
                    Thread.sleep(sleepMillis);
                }
                step++;
                long epoch = (step - 1) / stepsPerEpoch;
                double loss = lossAt(spec.seed(), step);
                ema = emaAfter(ema, loss, step);
                Map<String, Double> values = new TreeMap<>();
                values.put("loss", loss);
                values.put("loss_ema", ema);
                values.put("lr", spec.train().learningRate());
                values.put("epoch", (double) epoch);
                ctx.tracker().log(new RunEvent.Metrics(ctx.clock().millis(), step, values));
                progress.update(step, String.format(java.util.Locale.ROOT, "loss=%.4f", loss));
                boolean epochEnd = step % stepsPerEpoch == 0;
                boolean due = checkpointEvery > 0 ? step % checkpointEvery == 0 : epochEnd;
                if (due || step == total) {
                    saveCheckpoint(ctx, step, stepsPerEpoch, epochs, ema);
                    saved = step;
                }
                ctx.holdIfAsked("test", step, "test loop, after its metrics and checkpoint");
            }
        }
        ctx.tracker().log(new RunEvent.Summary(ctx.clock().millis(),
                new TreeMap<>(Map.of("final_loss", lossAt(spec.seed(), total), "final_loss_ema", ema, "steps", total))));
        ctx.log().info("test loop finished at step {} (loss_ema {})", total, String.format(java.util.Locale.ROOT, "%.4f", ema));
    }

    private static void saveCheckpoint(StageContext ctx, long step, long stepsPerEpoch, long epochs, double ema)
            throws IOException {
        long epoch = (step - 1) / stepsPerEpoch;
        boolean epochEnd = step % stepsPerEpoch == 0;
        ctx.checkpoint(epochEnd ? epoch + 1 : epoch, step, Map.of("steps_per_epoch", stepsPerEpoch, "epochs", epochs),
                dir -> Files.write(dir.resolve(EMA_FILE), ByteBuffer.allocate(8).putDouble(ema).array()));
    }

    private static double readEma(Path checkpointDir) throws IOException {
        return ByteBuffer.wrap(Files.readAllBytes(checkpointDir.resolve(EMA_FILE))).getDouble();
    }

}
