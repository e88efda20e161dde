package org.coverlab.diffusion;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A diffusers {@code scheduler_config.json}, read with diffusers' key names. Keys whose default differs between
 * scheduler classes (set_alpha_to_one, clip_sample, timestep_spacing) stay empty when absent, so that each scheduler
 * applies its own default exactly as {@code XScheduler.from_config(config)} does: one SD1.5 config (a PNDM config)
 * then drives DDIM, PNDM, Euler and DDPM like diffusers does. Options this implementation does not support are
 * rejected with the key named rather than silently ignored.
 *
 * @param numTrainTimesteps   num_train_timesteps, N (1000)
 * @param betaStart           beta_start (0.0001)
 * @param betaEnd             beta_end (0.02)
 * @param betaSchedule        beta_schedule (linear)
 * @param trainedBetas        trained_betas: explicit betas overriding the schedule; empty for none
 * @param predictionType      prediction_type (epsilon)
 * @param stepsOffset         steps_offset, added to "leading" timesteps (0; SD1.5 uses 1)
 * @param setAlphaToOne       set_alpha_to_one: final step's alpha_bar is 1 (else alpha_bar_0); DDIM true, PNDM false
 * @param clipSample          clip_sample: clamp predicted x0; DDPM and DDIM default true
 * @param clipSampleRange     clip_sample_range (1.0)
 * @param timestepSpacing     timestep_spacing; leading for DDPM/DDIM/PNDM, linspace for Euler
 * @param skipPrkSteps        skip_prk_steps: PNDM uses only PLMS steps (false; SD1.5 sets true)
 * @param rescaleBetasZeroSnr rescale_betas_zero_snr: rescale so the last step has zero SNR (false)
 * @param varianceType        variance_type of DDPM sampling (fixed_small)
 * @param finalSigmaZero      Euler's final_sigmas_type: true for "zero" (default), false for "sigma_min"
 */
public record SchedulerConfig(
        int numTrainTimesteps, double betaStart, double betaEnd, BetaSchedule betaSchedule, List<Double> trainedBetas,
        PredictionType predictionType, int stepsOffset, Optional<Boolean> setAlphaToOne, Optional<Boolean> clipSample,
        double clipSampleRange, Optional<TimestepSpacing> timestepSpacing, boolean skipPrkSteps,
        boolean rescaleBetasZeroSnr, VarianceType varianceType, boolean finalSigmaZero) {

    /** runwayml/stable-diffusion-v1-5's scheduler_config.json (a PNDMScheduler config). */
    public static final SchedulerConfig SD15 = new SchedulerConfig(1000, 0.00085, 0.012, BetaSchedule.SCALED_LINEAR,
            List.of(), PredictionType.EPSILON, 1, Optional.of(false), Optional.of(false), 1.0, Optional.empty(), true,
            false, VarianceType.FIXED_SMALL, true);

    /** diffusers' defaults, i.e. an empty scheduler_config.json. */
    public static final SchedulerConfig DIFFUSERS_DEFAULTS = new SchedulerConfig(1000, 0.0001, 0.02,
            BetaSchedule.LINEAR, List.of(), PredictionType.EPSILON, 0, Optional.empty(), Optional.empty(), 1.0,
            Optional.empty(), false, false, VarianceType.FIXED_SMALL, true);

    public SchedulerConfig {
        trainedBetas = List.copyOf(trainedBetas);
        if (numTrainTimesteps < 2) throw new SchedulerConfigException("num_train_timesteps must be >= 2, got " + numTrainTimesteps);
        if (!trainedBetas.isEmpty() && trainedBetas.size() != numTrainTimesteps) {
            throw new SchedulerConfigException("trained_betas has " + trainedBetas.size()
                    + " values but num_train_timesteps is " + numTrainTimesteps);
        }
        if (trainedBetas.isEmpty() && !(betaStart > 0 && betaEnd > 0 && betaStart < 1 && betaEnd < 1)) {
            throw new SchedulerConfigException("beta_start and beta_end must lie in (0, 1), got " + betaStart + ", " + betaEnd);
        }
        if (stepsOffset < 0) throw new SchedulerConfigException("steps_offset must be >= 0, got " + stepsOffset);
        if (!(clipSampleRange > 0)) throw new SchedulerConfigException("clip_sample_range must be > 0, got " + clipSampleRange);
    }

    public SchedulerConfig withPredictionType(PredictionType type) {
        return new SchedulerConfig(numTrainTimesteps, betaStart, betaEnd, betaSchedule, trainedBetas, type,
                stepsOffset, setAlphaToOne, clipSample, clipSampleRange, timestepSpacing, skipPrkSteps,
                rescaleBetasZeroSnr, varianceType, finalSigmaZero);
    }

    public SchedulerConfig withTimestepSpacing(TimestepSpacing spacing) {
        return new SchedulerConfig(numTrainTimesteps, betaStart, betaEnd, betaSchedule, trainedBetas, predictionType,
                stepsOffset, setAlphaToOne, clipSample, clipSampleRange, Optional.of(spacing), skipPrkSteps,
                rescaleBetasZeroSnr, varianceType, finalSigmaZero);
    }

    public SchedulerConfig withRescaleBetasZeroSnr(boolean rescale) {
        return new SchedulerConfig(numTrainTimesteps, betaStart, betaEnd, betaSchedule, trainedBetas, predictionType,
                stepsOffset, setAlphaToOne, clipSample, clipSampleRange, timestepSpacing, skipPrkSteps, rescale,
                varianceType, finalSigmaZero);
    }

    /** Reads a scheduler_config.json file (a diffusers model folder has it at {@code scheduler/}). */
    public static SchedulerConfig read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SchedulerConfigException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
        return parse(text, file.toString());
    }

    /** Parses scheduler_config.json text; {@code source} names it in error messages. */
    public static SchedulerConfig parse(String json, String source) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new SchedulerConfigException(source + ": not valid JSON (line " + e.getLocation().getLineNr() + "): "
                    + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) throw new SchedulerConfigException(source + ": expected a JSON object");
        Reader r = new Reader(root, source);
        SchedulerConfig d = DIFFUSERS_DEFAULTS;
        rejectUnsupported(r);
        try {
            return new SchedulerConfig(
                    r.integer("num_train_timesteps", d.numTrainTimesteps),
                    r.number("beta_start", d.betaStart),
                    r.number("beta_end", d.betaEnd),
                    r.choice("beta_schedule", BetaSchedule.values(), BetaSchedule::key, d.betaSchedule),
                    r.numbers("trained_betas"),
                    r.choice("prediction_type", PredictionType.values(), PredictionType::key, d.predictionType),
                    r.integer("steps_offset", d.stepsOffset),
                    r.optionalBool("set_alpha_to_one"),
                    r.optionalBool("clip_sample"),
                    r.number("clip_sample_range", d.clipSampleRange),
                    r.has("timestep_spacing") ? Optional.of(r.choice("timestep_spacing", TimestepSpacing.values(),
                            TimestepSpacing::key, TimestepSpacing.LEADING)) : Optional.empty(),
                    r.bool("skip_prk_steps", d.skipPrkSteps),
                    r.bool("rescale_betas_zero_snr", d.rescaleBetasZeroSnr),
                    r.choice("variance_type", VarianceType.values(), VarianceType::key, d.varianceType),
                    "zero".equals(r.choice("final_sigmas_type", new String[] {"zero", "sigma_min"}, s -> s, "zero")));
        } catch (SchedulerConfigException e) {
            throw e.getMessage().startsWith(source) ? e : new SchedulerConfigException(source + ": " + e.getMessage());
        }
    }

    /** Options that change the numbers and that this implementation lacks: refuse rather than differ silently. */
    private static void rejectUnsupported(Reader r) {
        for (String key : List.of("thresholding", "use_karras_sigmas", "use_exponential_sigmas", "use_beta_sigmas")) {
            if (r.bool(key, false)) r.fail(key, "is not supported (only false)");
        }
        if (r.has("timestep_type") && !"discrete".equals(r.text("timestep_type"))) {
            r.fail("timestep_type", "is not supported except 'discrete'");
        }
        if (r.has("interpolation_type") && !"linear".equals(r.text("interpolation_type"))) {
            r.fail("interpolation_type", "is not supported except 'linear'");
        }
    }

    /** Typed access to the JSON keys, failing with the key and the expected type named. */
    private record Reader(JsonNode root, String source) {
        boolean has(String key) {
            return root.hasNonNull(key);
        }

        void fail(String key, String what) {
            throw new SchedulerConfigException(source + ": key '" + key + "' " + what + ", got " + root.get(key));
        }

        String text(String key) {
            JsonNode n = root.get(key);
            if (!n.isTextual()) fail(key, "must be a string");
            return n.textValue();
        }

        int integer(String key, int fallback) {
            if (!has(key)) return fallback;
            JsonNode n = root.get(key);
            if (!n.isIntegralNumber() || !n.canConvertToInt()) fail(key, "must be an integer");
            return n.intValue();
        }

        double number(String key, double fallback) {
            if (!has(key)) return fallback;
            JsonNode n = root.get(key);
            if (!n.isNumber()) fail(key, "must be a number");
            return n.doubleValue();
        }

        boolean bool(String key, boolean fallback) {
            return optionalBool(key).orElse(fallback);
        }

        Optional<Boolean> optionalBool(String key) {
            if (!has(key)) return Optional.empty();
            JsonNode n = root.get(key);
            if (!n.isBoolean()) fail(key, "must be true or false");
            return Optional.of(n.booleanValue());
        }

        List<Double> numbers(String key) {
            if (!has(key)) return List.of();
            JsonNode n = root.get(key);
            if (!n.isArray()) fail(key, "must be a list of numbers or null");
            List<Double> out = new ArrayList<>();
            for (JsonNode v : n) {
                if (!v.isNumber()) fail(key, "must be a list of numbers or null");
                out.add(v.doubleValue());
            }
            return out;
        }

        <T> T choice(String key, T[] values, Function<T, String> keyOf, T fallback) {
            if (!has(key)) return fallback;
            String s = text(key);
            for (T v : values) if (keyOf.apply(v).equals(s)) return v;
            fail(key, "must be one of " + Arrays.stream(values).map(keyOf).toList());
            return fallback;
        }
    }
}
