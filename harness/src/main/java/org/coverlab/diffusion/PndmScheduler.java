package org.coverlab.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Pseudo numerical methods for diffusion models (Liu et al. 2022), diffusers' {@code PNDMScheduler}, Stable Diffusion
 * 1.x's default: linear multistep (PLMS) steps over the last four model outputs, optionally preceded by Runge-Kutta
 * (PRK) warm-up steps; SD1.5 sets skip_prk_steps, so its first step is a plain step and its second timestep repeats
 * (2nd-order correction at the same point). The past outputs live in a manager of this scheduler's own.
 */
public final class PndmScheduler extends IntegerTimestepScheduler {

    private static final int ORDER = 4;

    private final TimestepSpacing spacing;
    private final float finalAlphaCumprod;

    private int numInferenceSteps;
    private int[] prkTimesteps = new int[0];
    private NDManager state;
    private final List<NDArray> ets = new ArrayList<>();
    private NDArray curSample;
    private NDArray curModelOutput;
    private int counter;
    /** Arrays replaced during a step; freed once the step's scope has handed its inputs back. */
    private final List<NDArray> retired = new ArrayList<>();

    public PndmScheduler(SchedulerConfig config) {
        // diffusers' PNDMScheduler has no rescale_betas_zero_snr (nor clip_sample): from_config ignores those keys.
        super(supported(config), NoiseSchedule.of(config.withRescaleBetasZeroSnr(false)));
        this.spacing = config.timestepSpacing().orElse(TimestepSpacing.LEADING);
        this.finalAlphaCumprod = finalAlphaCumprod(false);
    }

    private static SchedulerConfig supported(SchedulerConfig config) {
        if (config.predictionType() == PredictionType.SAMPLE) {
            throw new SchedulerConfigException("PNDM supports prediction_type epsilon or v_prediction, not sample");
        }
        return config;
    }

    @Override
    public void setTimesteps(int n) {
        InferenceTimesteps.checkSteps(n, config);
        if (!config.skipPrkSteps() && n < ORDER) {
            throw new IllegalArgumentException("PNDM with Runge-Kutta warm-up (skip_prk_steps false) needs at least "
                    + ORDER + " steps, got " + n);
        }
        int[] ascending = reverse(InferenceTimesteps.descending(spacing, n, config));
        int len = ascending.length;
        int[] plms;
        if (config.skipPrkSteps()) {
            prkTimesteps = new int[0];
            // concat(ts[:-1], ts[-2:-1], ts[-1:]) reversed: the second timestep is used twice.
            List<Integer> t = new ArrayList<>();
            for (int i = 0; i < len - 1; i++) t.add(ascending[i]);
            if (len >= 2) t.add(ascending[len - 2]);
            t.add(ascending[len - 1]);
            plms = reverse(t.stream().mapToInt(Integer::intValue).toArray());
        } else {
            int half = config.numTrainTimesteps() / n / 2;
            int[] prk = new int[2 * ORDER];
            for (int i = 0; i < ORDER; i++) {
                prk[2 * i] = ascending[len - ORDER + i];
                prk[2 * i + 1] = ascending[len - ORDER + i] + half;
            }
            // prk[:-1].repeat(2)[1:-1], reversed
            int[] repeated = new int[2 * (prk.length - 1)];
            for (int i = 0; i < prk.length - 1; i++) {
                repeated[2 * i] = prk[i];
                repeated[2 * i + 1] = prk[i];
            }
            prkTimesteps = reverse(Arrays.copyOfRange(repeated, 1, repeated.length - 1));
            plms = reverse(Arrays.copyOfRange(ascending, 0, Math.max(0, len - 3)));
        }
        timesteps = new int[prkTimesteps.length + plms.length];
        System.arraycopy(prkTimesteps, 0, timesteps, 0, prkTimesteps.length);
        System.arraycopy(plms, 0, timesteps, prkTimesteps.length, plms.length);
        numInferenceSteps = n;
        resetState();
    }

    private static int[] reverse(int[] a) {
        int[] out = new int[a.length];
        for (int i = 0; i < a.length; i++) out[i] = a[a.length - 1 - i];
        return out;
    }

    private void resetState() {
        if (state != null) state.close();
        state = null;
        ets.clear();
        curSample = null;
        curModelOutput = null;
        counter = 0;
    }

    @Override
    public NDArray step(NDArray modelOutput, float t, NDArray sample) {
        if (numInferenceSteps == 0) throw new IllegalStateException("call setTimesteps before step");
        if (state == null) state = sample.getManager().newSubManager();
        try {
            if (counter < prkTimesteps.length && !config.skipPrkSteps()) return stepPrk(modelOutput, Math.round(t), sample);
            return stepPlms(modelOutput, Math.round(t), sample);
        } finally {
            retired.forEach(NDArray::close);
            retired.clear();
        }
    }

    private NDArray stepPrk(NDArray modelOutput, int t, NDArray sample) {
        int diffToPrev = counter % 2 == 1 ? 0 : config.numTrainTimesteps() / numInferenceSteps / 2;
        int prev = t - diffToPrev;
        int timestep = prkTimesteps[counter / 4 * 4];
        List<NDArray> inputs = new ArrayList<>(ets);
        inputs.add(modelOutput);
        inputs.add(curSample);
        inputs.add(curModelOutput);
        inputs.add(sample);
        try (StepScope scope = StepScope.into(sample.getManager(), inputs)) {
            NDArray output = modelOutput;
            switch (counter % 4) {
                case 0 -> {
                    replaceAccumulator(modelOutput.mul(1f / 6));
                    ets.add(keepInState(modelOutput.duplicate()));
                    replaceCurSample(sample.duplicate());
                }
                case 1, 2 -> replaceAccumulator(curModelOutput.add(modelOutput.mul(1f / 3)));
                default -> {
                    output = curModelOutput.add(modelOutput.mul(1f / 6));
                    replaceAccumulator(null);
                }
            }
            NDArray base = curSample != null ? curSample : sample;
            NDArray prevSample = prevSample(base, timestep, prev, output);
            counter++;
            return scope.keep(prevSample);
        }
    }

    private NDArray stepPlms(NDArray modelOutput, int t, NDArray sample) {
        if (!config.skipPrkSteps() && ets.size() < 3) {
            throw new IllegalStateException("PNDM: PLMS steps need the 3 Runge-Kutta warm-up outputs first");
        }
        int prev = t - config.numTrainTimesteps() / numInferenceSteps;
        int timestep = t;
        if (counter != 1) {
            while (ets.size() > 3) retired.add(ets.remove(0));
            ets.add(keepInState(modelOutput.duplicate()));
        } else {
            prev = t;
            timestep = t + config.numTrainTimesteps() / numInferenceSteps;
        }
        List<NDArray> inputs = new ArrayList<>(ets);
        inputs.add(modelOutput);
        inputs.add(curSample);
        inputs.add(sample);
        try (StepScope scope = StepScope.into(sample.getManager(), inputs)) {
            int k = ets.size();
            NDArray e1 = ets.get(k - 1);
            NDArray output;
            NDArray base = sample;
            if (k == 1 && counter == 0) {
                output = modelOutput;
                replaceCurSample(sample.duplicate());
            } else if (k == 1 && counter == 1) {
                output = modelOutput.add(e1).div(2);
                base = curSample;
            } else if (k == 2) {
                output = e1.mul(3).sub(ets.get(k - 2)).div(2);
            } else if (k == 3) {
                output = e1.mul(23).sub(ets.get(k - 2).mul(16)).add(ets.get(k - 3).mul(5)).div(12);
            } else {
                output = e1.mul(55).sub(ets.get(k - 2).mul(59)).add(ets.get(k - 3).mul(37))
                        .sub(ets.get(k - 4).mul(9)).mul(1f / 24);
            }
            NDArray prevSample = prevSample(base, timestep, prev, output);
            if (k == 1 && counter == 1) replaceCurSample(null);
            counter++;
            return scope.keep(prevSample);
        }
    }

    /** Formula (9) of the PNDM paper: the transfer from x_t to x_{t-delta} given the noise estimate. */
    private NDArray prevSample(NDArray sample, int t, int prev, NDArray modelOutput) {
        float alphaProd = schedule.alphaCumprod(t);
        float alphaProdPrev = alphaCumprodPrev(prev, finalAlphaCumprod);
        float betaProd = 1 - alphaProd;
        float betaProdPrev = 1 - alphaProdPrev;
        NDArray eps = modelOutput;
        if (config.predictionType() == PredictionType.V_PREDICTION) {
            eps = PredictedOriginal.epsilonFromVelocity(modelOutput, sample, alphaProd, betaProd);
        }
        float sampleCoeff = (float) Math.sqrt(alphaProdPrev / alphaProd);
        float denom = alphaProd * (float) Math.sqrt(betaProdPrev)
                + (float) Math.sqrt(alphaProd * betaProd * alphaProdPrev);
        return sample.mul(sampleCoeff).sub(eps.mul(alphaProdPrev - alphaProd).div(denom));
    }

    private NDArray keepInState(NDArray array) {
        array.attach(state);
        return array;
    }

    /** The arrays held across steps belong to the state manager; the one replaced is freed at once. */
    private void replaceCurSample(NDArray next) {
        NDArray old = curSample;
        curSample = next == null ? null : keepInState(next);
        if (old != null) retired.add(old);
    }

    private void replaceAccumulator(NDArray next) {
        NDArray old = curModelOutput;
        curModelOutput = next == null ? null : keepInState(next);
        if (old != null) retired.add(old);
    }

    @Override
    public void close() {
        resetState();
    }
}
