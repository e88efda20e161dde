package org.coverlab.training;

/**
 * Where training stands between optimizer updates: the updates done, the data cursor (epoch and position in that
 * epoch's shuffled order), images seen and the running loss average. With the optimizer, EMA and weights it is all
 * a checkpoint needs: every random draw derives from (seed, update, micro-batch), and the LR schedule from the step.
 */
public record TrainingState(long step, int epoch, int position, long imagesSeen, double lossEma) {
    public static final TrainingState START = new TrainingState(0, 0, 0, 0, Double.NaN);

    /** Exponential moving average of the loss: the first update's loss, then 0.9 * ema + 0.1 * loss. */
    public static double nextLossEma(double previous, double loss, long step) {
        return step == 1 || Double.isNaN(previous) ? loss : 0.9 * previous + 0.1 * loss;
    }
}
