package org.coverlab.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.coverlab.data.Seeds;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * The training loop. First it runs micro-batches, each in its own NDManager (closed right after its backward pass,
 * so memory stays flat) with autograd adding every backward into the parameters' gradients; then, once
 * {@code gradientAccumulation} micro-batches are in (or the epoch ends), it averages and clips the gradient, steps
 * the optimizer at the schedule's learning rate for this update and moves the EMA, reading and writing libtorch's
 * memory in place (no copy of a weight or gradient into Java); finally it tells its listeners.
 *
 * <p>A micro-batch's random draws come from a seed derived from (seed, update, micro-batch index), so resuming from
 * a {@link TrainingState} taken between updates replays exactly what an uninterrupted run does.
 */
public final class Trainer {

    /** How to train; {@code maxGradNorm} 0 means no clipping. */
    public record Settings(int epochs, int gradientAccumulation, double maxGradNorm, long seed) {
        public Settings {
            if (epochs < 0 || gradientAccumulation < 1 || !(maxGradNorm >= 0)) {
                throw new IllegalArgumentException("epochs >= 0, gradient accumulation >= 1 and max grad norm >= 0 "
                        + "expected, got " + epochs + ", " + gradientAccumulation + ", " + maxGradNorm);
            }
        }
    }

    /** The scalar loss of one micro-batch. */
    @FunctionalInterface
    public interface LossFunction {
        NDArray loss(NDManager manager, MicroBatches.MicroBatch batch, long seed);
    }

    private final Settings settings;
    private final TrainedParams params;
    private final Optimizer optimizer;
    private final LrSchedule schedule;
    private final Ema ema;
    private final LossFunction loss;
    private final NDManager manager;
    private final List<TrainingListener> listeners;
    private TrainingState state = TrainingState.START;

    /**
     * @param ema       null for none
     * @param manager   parent of the per-micro-batch managers
     * @param listeners told in this order
     */
    public Trainer(Settings settings, TrainedParams params, Optimizer optimizer, LrSchedule schedule, Ema ema,
                   LossFunction loss, NDManager manager, List<TrainingListener> listeners) {
        this.settings = settings;
        this.params = params;
        this.optimizer = optimizer;
        this.schedule = schedule;
        this.ema = ema;
        this.loss = loss;
        this.manager = manager;
        this.listeners = List.copyOf(listeners);
    }

    /** Optimizer updates of one epoch of {@code examples} examples: ceil(ceil(examples / batch) / accumulation). */
    public static long updatesPerEpoch(long examples, int batchSize, int gradientAccumulation) {
        long batches = (examples + batchSize - 1) / batchSize;
        return (batches + gradientAccumulation - 1) / gradientAccumulation;
    }

    public TrainingState state() {
        return state;
    }

    public Settings settings() {
        return settings;
    }

    public TrainedParams params() {
        return params;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    public LrSchedule schedule() {
        return schedule;
    }

    /** Null when training without EMA. */
    public Ema ema() {
        return ema;
    }

    /** Trains from {@code from} until {@code settings.epochs()} epochs are done; returns the final state. */
    public TrainingState fit(MicroBatches data, TrainingState from) throws Exception {
        state = from;
        while (state.epoch() < settings.epochs()) {
            runEpoch(data);
            for (TrainingListener l : listeners) {
                l.onEpochEnd(this, state);
            }
        }
        for (TrainingListener l : listeners) {
            l.onTrainingEnd(this, state);
        }
        return state;
    }

    private void runEpoch(MicroBatches data) throws Exception {
        int epoch = state.epoch();
        try (MicroBatches.Stream stream = data.open(epoch, state.position())) {
            MicroBatches.MicroBatch next = stream.next();
            int window = 0;
            int examples = 0;
            double lossSum = 0;
            while (next != null) {
                for (TrainingListener l : listeners) {
                    l.onMicroBatch(this, state);
                }
                MicroBatches.MicroBatch batch = next;
                long seed = Seeds.mix(Seeds.mix(settings.seed() ^ 0x7261696eL) + state.step() * 4099 + window);
                lossSum += backward(batch, seed, window);
                window++;
                examples += batch.examples();
                // fetch ahead: whether this micro-batch ends the epoch decides whether the window closes now
                next = stream.next();
                if (window == settings.gradientAccumulation() || next == null) {
                    update(lossSum / window, window, examples, batch.positionAfter(), next == null);
                    window = 0;
                    examples = 0;
                    lossSum = 0;
                }
            }
        }
        if (state.epoch() == epoch) {
            // an epoch without a single usable example still ends
            state = new TrainingState(state.step(), epoch + 1, 0, state.imagesSeen(), state.lossEma());
        }
    }

    /** Forward and backward of one micro-batch in its own manager; returns its loss. */
    private double backward(MicroBatches.MicroBatch batch, long seed, int window) {
        try (NDManager m = manager.newSubManager();
             GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray l = loss.loss(m, batch, seed);
            double value = l.getFloat();
            if (!Double.isFinite(value)) {
                throw new NonFiniteLossException("the loss is " + value + " at micro-batch " + (window + 1)
                        + " of update " + (state.step() + 1) + " (epoch " + (state.epoch() + 1) + "); training "
                        + "stopped before that update, the weights are those after update " + state.step());
            }
            collector.backward(l);
            return value;
        }
    }

    /** Average, clip, step the optimizer and EMA, reset the gradients, tell the listeners. */
    private void update(double meanLoss, int microBatches, int examples, int positionAfter, boolean epochEnd)
            throws Exception {
        long step = state.step() + 1;
        double lr = schedule.at(state.step());
        float scale = 1f / microBatches;
        double norm;
        try (TrainedParams.Update gradients = params.beginUpdate(scale)) {
            norm = gradients.norm();
            if (!Double.isFinite(norm)) {
                throw new NonFiniteLossException("the gradient norm is " + norm + " at update " + step + " (loss "
                        + meanLoss + "); training stopped before that update, the weights are those after update "
                        + state.step());
            }
            // torch.nn.utils.clip_grad_norm_: scale by max_norm / (norm + 1e-6) when that is below one
            float clip = settings.maxGradNorm() > 0
                    ? (float) Math.min(1.0, settings.maxGradNorm() / (norm + 1e-6)) : 1f;
            optimizer.beginStep(lr);
            if (ema != null) {
                ema.beginUpdate();
            }
            gradients.apply(optimizer, clip, ema);
        }
        params.zeroGradients();
        state = new TrainingState(step, epochEnd ? state.epoch() + 1 : state.epoch(), epochEnd ? 0 : positionAfter,
                state.imagesSeen() + examples, TrainingState.nextLossEma(state.lossEma(), meanLoss, step));
        UpdateResult result = new UpdateResult(step, meanLoss, lr, norm, microBatches, examples, epochEnd);
        for (TrainingListener l : listeners) {
            l.onUpdate(this, state, result);
        }
    }

    /** Restores a state saved between updates (weights, optimizer and EMA are restored by their owners). */
    public void restore(TrainingState saved) {
        state = saved;
    }

    /**
     * Runs {@code work} with the EMA weights in the model (the trained weights when EMA is off) and puts the trained
     * weights back afterwards, even if {@code work} fails.
     */
    public <T> T withEmaWeights(Callable<T> work) throws Exception {
        if (ema == null || ema.updates() == 0) {
            return work.call();
        }
        float[][] trained = new float[params.size()][];
        for (int i = 0; i < params.size(); i++) {
            trained[i] = params.values(i);
            params.write(i, ema.shadow(i));
        }
        try {
            return work.call();
        } finally {
            for (int i = 0; i < params.size(); i++) {
                params.write(i, trained[i]);
            }
        }
    }
}
