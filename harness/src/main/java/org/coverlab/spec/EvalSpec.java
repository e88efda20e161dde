package org.coverlab.spec;

import java.util.List;

/** FID/KID of generated images against precomputed reference statistics. */
public record EvalSpec(
        @Doc("Metrics computed: fid, kid (empty = no evaluation). With the cover-feature extractor they are reported as fid_cover, kid_cover") List<Metric> metrics,
        @Doc("Reference statistics file (.npz as pytorch-fid writes), or 'validation' to compute them from the validation split (cached by content hash)") String referenceStats,
        @Doc("Number of generated images") @Range(min = 2, max = 100000) int images,
        @Doc("Denoising steps for evaluation images") @Range(min = 1, max = 1000) int steps,
        @Doc("Images generated per batch") @Range(min = 1, max = 1024) int batchSize,
        @Doc("When evaluation runs: never, end, epoch or checkpoint") SampleSpec.When every,
        @Doc("Feature extractor: inception (pytorch-fid's FID InceptionV3; needs converted weights), cover (the cover-feature CNN trained on synthetic covers: fid_cover/kid_cover), or auto (inception when its weights are found, else cover)") Extractor extractor,
        @Doc("FID Inception weights (.safetensors from scripts/convert_fid_inception.py), or 'auto' for pt_inception-2015-12-05-6726825d.safetensors in $COVERLAB_MODELS_DIR (else <repo>/models/)") String inceptionWeights) {

    public static final EvalSpec DEFAULT = new EvalSpec(
            List.of(Metric.FID, Metric.KID), "validation", 200, 25, 8, SampleSpec.When.END, Extractor.AUTO, "auto");

    public enum Metric implements SpecEnum {
        FID, KID;

        @Override
        public String key() {
            return name().toLowerCase();
        }
    }

    public enum Extractor implements SpecEnum {
        AUTO, INCEPTION, COVER;

        @Override
        public String key() {
            return name().toLowerCase();
        }
    }
}
