package org.coverlab.training.pretrain;

import java.util.Locale;
import java.util.function.Consumer;

/**
 * Progress of a tiny-base build as log lines: one per tenth of each phase, with the step, the loss, steps per second
 * and the phase's ETA. Calls {@code checkCancelled} (which throws) every step, so Ctrl-C stops a build between steps;
 * the unfinished build folder is private and removed by the next build.
 */
public final class PretrainProgress implements TinyPretraining.Listener {

    private final Consumer<String> say;
    private final Runnable checkCancelled;
    private long phaseStart;

    public PretrainProgress(Consumer<String> say, Runnable checkCancelled) {
        this.say = say;
        this.checkCancelled = checkCancelled;
    }

    @Override
    public void phase(String name, int steps) {
        phaseStart = System.nanoTime();
        say.accept("pretraining " + name + ": " + steps + " steps");
    }

    @Override
    public void step(String phase, int step, int steps, float loss) {
        checkCancelled.run();
        int every = Math.max(1, steps / 10);
        if (step % every == 0 || step == steps) {
            double seconds = (System.nanoTime() - phaseStart) / 1e9;
            double rate = step / Math.max(1e-9, seconds);
            say.accept(String.format(Locale.ROOT, "pretraining %s: step %d/%d, loss %.4f, %.2f steps/s, ETA %.0f s",
                    phase, step, steps, loss, rate, (steps - step) / rate));
        }
    }
}
