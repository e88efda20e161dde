package org.coverlab.training;

import ai.djl.ndarray.NDManager;
import org.coverlab.model.StableDiffusionModels;
import org.coverlab.model.io.TensorEntry;
import org.coverlab.model.nn.Param;
import org.coverlab.model.nn.ParamStore;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The loop on a tiny random model: frozen parts, per-update schedules, accumulation, NaN and resume. */
class TrainerTest {

    private record Run(Trainer trainer, List<UpdateResult> updates) {
    }

    private static Run trainer(StableDiffusionModels models, NDManager m, List<ParamStore> trained, int epochs,
                               int accumulation, LrSchedule schedule, Trainer.LossFunction lossFunction) {
        TrainedParams params = TrainedParams.of(trained);
        List<UpdateResult> updates = new ArrayList<>();
        TrainingListener record = new TrainingListener() {
            @Override
            public void onUpdate(Trainer t, TrainingState s, UpdateResult u) {
                updates.add(u);
            }
        };
        Trainer t = new Trainer(new Trainer.Settings(epochs, accumulation, 1.0, 11), params,
                new AdamW(AdamW.Settings.defaults(1e-2)), schedule, new Ema(0.99), lossFunction, m, List.of(record));
        return new Run(t, updates);
    }

    private static Trainer.LossFunction diffusion(StableDiffusionModels models, boolean textEncoder) {
        LatentDiffusionLoss loss = TinyTraining.loss(models, textEncoder, new LatentDiffusionLoss.Options(5, 0.1, 0.1));
        return (mm, b, seed) -> loss.loss(mm, b.tensors(mm), seed);
    }

    private static Map<String, float[]> snapshot(ParamStore store) {
        Map<String, float[]> out = new HashMap<>();
        for (Param p : store.params()) {
            out.put(p.name(), p.value().toFloatArray());
        }
        return out;
    }

    @Test
    void trainingTheTextEncoderLeavesUNetAndVaeUntouchedWithoutGradientsOrOptimizerState() throws Exception {
        try (NDManager m = NDManager.newBaseManager(); StableDiffusionModels models = TinyTraining.models(m)) {
            Map<String, float[]> unet = snapshot(models.unet().params());
            Map<String, float[]> vae = snapshot(models.vae().params());
            Map<String, float[]> text = snapshot(models.textEncoder().params());
            Run run = trainer(models, m, List.of(models.textEncoder().params()), 1, 1,
                    new LrSchedule(LrSchedule.Kind.CONSTANT, 1e-3, 0, 2), diffusion(models, true));
            run.trainer().fit(TinyTraining.data(2, 2), TrainingState.START);

            assertEquals(2, run.updates().size());
            for (var e : unet.entrySet()) {
                assertArrayEquals(e.getValue(), models.unet().params().get(e.getKey()).value().toFloatArray(), e.getKey());
                assertFalse(models.unet().params().get(e.getKey()).value().hasGradient(), e.getKey() + " has a gradient");
            }
            for (var e : vae.entrySet()) {
                assertArrayEquals(e.getValue(), models.vae().params().get(e.getKey()).value().toFloatArray(), e.getKey());
            }
            long changed = text.entrySet().stream().filter(e -> !Arrays.equals(e.getValue(),
                    models.textEncoder().params().get(e.getKey()).value().toFloatArray())).count();
            // the gradient flowed back through the frozen UNet into the text encoder (position 77.. rows never see a token)
            assertTrue(changed > text.size() / 2, changed + " of " + text.size() + " text-encoder tensors changed");
            List<String> stateNames = run.trainer().optimizer().state().stream().map(TensorEntry::name).toList();
            assertEquals(2 * text.size(), stateNames.size());
            assertTrue(stateNames.stream().allMatch(n -> text.containsKey(n.substring(0, n.lastIndexOf('.')))),
                    "optimizer state only for text-encoder parameters");
        }
    }

    @Test
    void learningRateStepsOncePerOptimizerUpdateNotPerMicroBatch() throws Exception {
        try (NDManager m = NDManager.newBaseManager(); StableDiffusionModels models = TinyTraining.models(m)) {
            LrSchedule schedule = new LrSchedule(LrSchedule.Kind.LINEAR, 1e-3, 2, 3);
            Run run = trainer(models, m, List.of(models.unet().params()), 1, 3, schedule, diffusion(models, false));
            // 7 micro-batches with accumulation 3: two full windows and a partial one of 1 at the epoch's end
            run.trainer().fit(TinyTraining.data(7, 1), TrainingState.START);
            assertEquals(List.of(0.0, 5e-4, 1e-3), run.updates().stream().map(UpdateResult::lr).toList());
            assertEquals(List.of(schedule.at(0), schedule.at(1), schedule.at(2)),
                    run.updates().stream().map(UpdateResult::lr).toList());
            assertEquals(List.of(3, 3, 1), run.updates().stream().map(UpdateResult::microBatches).toList());
            assertEquals(List.of(false, false, true), run.updates().stream().map(UpdateResult::epochEnd).toList());
            assertEquals(new TrainingState(3, 1, 0, 7, run.trainer().state().lossEma()), run.trainer().state());
        }
    }

    @Test
    void aNanLossStopsTrainingBeforeTheUpdateWithTheWeightsUnchanged() throws Exception {
        try (NDManager m = NDManager.newBaseManager(); StableDiffusionModels models = TinyTraining.models(m)) {
            Trainer.LossFunction good = diffusion(models, false);
            int[] calls = {0};
            Trainer.LossFunction poisoned = (mm, b, seed) -> ++calls[0] == 3 ? good.loss(mm, b, seed).mul(Float.NaN)
                    : good.loss(mm, b, seed);
            Map<String, float[]>[] lastGood = new Map[1];
            TrainingListener snapshots = new TrainingListener() {
                @Override
                public void onUpdate(Trainer t, TrainingState s, UpdateResult u) {
                    lastGood[0] = snapshot(models.unet().params());
                }
            };
            Trainer trainer = new Trainer(new Trainer.Settings(1, 1, 1.0, 11),
                    TrainedParams.of(List.of(models.unet().params())), new AdamW(AdamW.Settings.defaults(1e-2)),
                    new LrSchedule(LrSchedule.Kind.CONSTANT, 1e-3, 0, 4), null, poisoned, m, List.of(snapshots));
            NonFiniteLossException e = assertThrows(NonFiniteLossException.class,
                    () -> trainer.fit(TinyTraining.data(4, 1), TrainingState.START));
            assertTrue(e.getMessage().contains("NaN") && e.getMessage().contains("update 3"), e.getMessage());
            assertEquals(2, trainer.state().step());
            for (var entry : lastGood[0].entrySet()) {
                assertArrayEquals(entry.getValue(), models.unet().params().get(entry.getKey()).value().toFloatArray());
            }
        }
    }

    @Test
    void resumingFromAStateBetweenUpdatesGivesBitIdenticalWeightsOptimizerAndEma() throws Exception {
        LrSchedule schedule = new LrSchedule(LrSchedule.Kind.COSINE, 1e-3, 1, 4);
        float[][] straight;
        List<TensorEntry> straightState;
        try (NDManager m = NDManager.newBaseManager(); StableDiffusionModels models = TinyTraining.models(m)) {
            Run run = trainer(models, m, List.of(models.unet().params(), models.textEncoder().params()), 2, 2,
                    schedule, diffusion(models, true));
            run.trainer().fit(TinyTraining.data(4, 1), TrainingState.START);
            assertEquals(4, run.trainer().state().step());
            straight = weights(run.trainer().params());
            straightState = run.trainer().optimizer().state();
            assertNotEquals(0, run.trainer().ema().updates());
        }
        // first half: stop after update 2 (= the end of epoch 1), keep what a checkpoint keeps
        float[][] half;
        List<TensorEntry> optState;
        Map<String, String> optMeta;
        List<TensorEntry> emaState;
        Map<String, String> emaMeta;
        TrainingState saved;
        try (NDManager m = NDManager.newBaseManager(); StableDiffusionModels models = TinyTraining.models(m)) {
            Run run = trainer(models, m, List.of(models.unet().params(), models.textEncoder().params()), 1, 2,
                    schedule, diffusion(models, true));
            saved = run.trainer().fit(TinyTraining.data(4, 1), TrainingState.START);
            half = weights(run.trainer().params());
            optState = run.trainer().optimizer().state();
            optMeta = run.trainer().optimizer().metadata();
            emaState = run.trainer().ema().state();
            emaMeta = run.trainer().ema().metadata();
        }
        try (NDManager m = NDManager.newBaseManager(); StableDiffusionModels models = TinyTraining.models(m)) {
            Run run = trainer(models, m, List.of(models.unet().params(), models.textEncoder().params()), 2, 2,
                    schedule, diffusion(models, true));
            TrainedParams params = run.trainer().params();
            for (int i = 0; i < params.size(); i++) {
                params.write(i, half[i]);
            }
            run.trainer().optimizer().restore(byName(optState), optMeta);
            run.trainer().ema().restore(byName(emaState), emaMeta);
            run.trainer().fit(TinyTraining.data(4, 1), saved);
            float[][] resumed = weights(params);
            for (int i = 0; i < resumed.length; i++) {
                assertArrayEquals(straight[i], resumed[i], params.get(i).name());
            }
            List<TensorEntry> resumedState = run.trainer().optimizer().state();
            assertEquals(straightState.size(), resumedState.size());
            for (int i = 0; i < resumedState.size(); i++) {
                assertEquals(straightState.get(i).data(), resumedState.get(i).data(), resumedState.get(i).name());
            }
        }
    }

    private static Map<String, TensorEntry> byName(List<TensorEntry> entries) {
        Map<String, TensorEntry> out = new HashMap<>();
        entries.forEach(e -> out.put(e.name(), e));
        return out;
    }

    private static float[][] weights(TrainedParams params) {
        float[][] out = new float[params.size()][];
        for (int i = 0; i < params.size(); i++) {
            out[i] = params.values(i);
        }
        return out;
    }
}
