package org.coverlab.bench;

import org.coverlab.spec.Resolution;

import java.util.ArrayList;
import java.util.List;

/** The side-by-side table's rows: what each measures, at which batch and size, in which unit. */
public final class Rows {
    /** The kinds of work; bench_reference.py implements each under the same name. */
    public enum Kind { UNET_TRAIN, TEXT_ENCODER_TRAIN, SAMPLE, SD15_UNET, VAE_ENCODE, FID_FEATURES, FRECHET, DATA }

    /**
     * One row. {@code name} is the protocol key both workers understand. {@code warmups} untimed iterations per side
     * precede the timed rounds; {@code maxRounds} > 0 caps the rounds for rows whose one iteration takes tens of
     * seconds (the SD1.5-shaped step, scipy's sqrtm), so the whole table fits in one sitting.
     */
    public record Row(String name, Kind kind, int batch, Resolution resolution, String unit, String title, int warmups,
                      int maxRounds) {
        public Row(String name, Kind kind, int batch, Resolution resolution, String unit, String title) {
            this(name, kind, batch, resolution, unit, title, 2, 0);
        }

        public int rounds(int asked) {
            return maxRounds > 0 ? Math.min(asked, maxRounds) : asked;
        }

        /** The worker protocol's argument: name, kind, batch, width, height. */
        public String arg() {
            return name + " " + kind.name().toLowerCase() + " " + batch + " " + resolution.width() + " "
                    + resolution.height();
        }

        static Row parse(String[] p) {
            return new Row(p[0], Kind.valueOf(p[1].toUpperCase()), Integer.parseInt(p[2]),
                    new Resolution(Integer.parseInt(p[3]), Integer.parseInt(p[4])), "", p[0]);
        }
    }

    private Rows() {
    }

    public static List<Row> standard(boolean sd15) {
        Resolution tiny = Resolution.TINY;
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("unet_train_b1", Kind.UNET_TRAIN, 1, tiny, "examples/s",
                "UNet training step (fwd+bwd+AdamW), batch 1"));
        rows.add(new Row("unet_train_b8", Kind.UNET_TRAIN, 8, tiny, "examples/s",
                "UNet training step (fwd+bwd+AdamW), batch 8"));
        rows.add(new Row("te_train_b1", Kind.TEXT_ENCODER_TRAIN, 1, tiny, "examples/s",
                "text-encoder training step (grads through frozen UNet), batch 1"));
        rows.add(new Row("ddim_cfg_b4", Kind.SAMPLE, 4, tiny, "images/s",
                "DDIM 10 steps + CFG 7.5, batch 4 (text, loop, VAE decode)"));
        if (sd15) {
            // ~10 s per forward per side on two idle cores and several times that under load: one warm-up, two rounds
            rows.add(new Row("sd15_unet_step", Kind.SD15_UNET, 2, new Resolution(512, 512), "steps/s",
                    "SD1.5-shaped UNet forward, 64x64 latents, batch 2 (CFG)", 1, 2));
        }
        rows.add(new Row("vae_encode_b8", Kind.VAE_ENCODE, 8, tiny, "images/s", "VAE encode 64x96, batch 8"));
        rows.add(new Row("fid_features_b8", Kind.FID_FEATURES, 8, tiny, "images/s",
                "FID Inception pool3 features, batch 8 covers 64x96 (resized to 299) vs pytorch-fid"));
        // scipy's sqrtm of a 2048x2048 product takes ~13 s on two idle cores: one warm-up, two rounds
        rows.add(new Row("frechet_2048", Kind.FRECHET, 1, tiny, "distances/s",
                "Frechet distance of two full-rank 2048-d statistics vs pytorch-fid (scipy sqrtm)", 1, 2));
        rows.add(new Row("data", Kind.DATA, 1, tiny, "examples/s", "data pipeline: decode, resize, caption"));
        return rows;
    }

    /** Training rows of the scaling table: the UNet step at each batch (64x96) and each size (batch 1). */
    public static List<Row> scaling() {
        List<Row> rows = new ArrayList<>();
        for (int b : new int[] {1, 2, 4, 8, 16}) {
            rows.add(new Row("unet_train_b" + b, Kind.UNET_TRAIN, b, Resolution.TINY, "examples/s",
                    "batch " + b + ", 64x96"));
        }
        for (Resolution r : List.of(new Resolution(128, 192), new Resolution(256, 384))) {
            rows.add(new Row("unet_train_" + r.width() + "x" + r.height(), Kind.UNET_TRAIN, 1, r, "examples/s",
                    "batch 1, " + r.width() + "x" + r.height()));
        }
        return rows;
    }
}
