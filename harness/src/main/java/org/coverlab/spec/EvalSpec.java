package org.coverlab.spec;

import java.util.List;

/** FID/KID of generated images against precomputed reference statistics. */
public record EvalSpec(
        @Doc("Metrics computed: fid, kid (empty = no evaluation)") List<Metric> metrics,
        @Doc("Reference statistics file (.npz as pytorch-fid writes), or 'validation' to compute them from the validation split") String referenceStats,
        @Doc("Number of generated images") @Range(min = 2, max = 100000) int images,
        @Doc("Denoising steps for evaluation images") @Range(min = 1, max = 1000) int steps,
        @Doc("Images generated per batch") @Range(min = 1, max = 1024) int batchSize,
        @Doc("When evaluation runs: never, end, epoch or checkpoint") SampleSpec.When every) {

    public static final EvalSpec DEFAULT = new EvalSpec(
            List.of(Metric.FID, Metric.KID), "validation", 200, 25, 8, SampleSpec.When.END);

    public enum Metric implements SpecEnum {
        FID, KID;

        @Override
        public String key() {
            return name().toLowerCase();
        }
    }
}
