package org.coverlab.training;

import org.coverlab.model.TinyPreset;
import org.coverlab.model.clip.ClipTextConfig;
import org.coverlab.model.clip.ClipTextModel;
import org.coverlab.model.unet.UNet2DConditionModel;
import org.coverlab.model.unet.UNetConfig;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Optimizer-state bytes of fp32 AdamW and 8-bit AdamW for real parameter layouts (listed without allocating
 * weights): the tiny preset's UNet and text encoder and SD1.5's UNet and text encoder.
 */
public final class OptimizerMemory {
    private OptimizerMemory() {
    }

    /** One network: its parameter sizes. */
    public record Network(String name, List<Long> sizes) {
        long parameters() {
            return sizes.stream().mapToLong(Long::longValue).sum();
        }
    }

    public static List<Network> standardNetworks() {
        return List.of(
                new Network("tiny unet", sizes(UNet2DConditionModel.layout(TinyPreset.unet()))),
                new Network("tiny text_encoder", sizes(ClipTextModel.layout(TinyPreset.textEncoder(
                        TinyPreset.VOCAB_SIZE, 0, 1, 1)))),
                new Network("sd15 unet", sizes(UNet2DConditionModel.layout(UNetConfig.sd15()))),
                new Network("sd15 text_encoder", sizes(ClipTextModel.layout(ClipTextConfig.of(49408, 768, 3072, 12, 12,
                        77, "quick_gelu", 49406, 49407, 49407)))));
    }

    private static List<Long> sizes(Map<String, long[]> layout) {
        List<Long> out = new ArrayList<>();
        for (long[] shape : layout.values()) {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            out.add(n);
        }
        return out;
    }

    /** Prints one line per network: parameters, fp32 AdamW bytes, 8-bit bytes at min_8bit_size 4096 and 16384. */
    public static void print(List<Network> networks, PrintStream out) {
        out.printf(Locale.ROOT, "%-18s %13s %14s %24s %24s%n", "network", "parameters", "AdamW fp32",
                "AdamW8bit (min 4096)", "AdamW8bit (min 16384)");
        for (Network n : networks) {
            long fp32 = 8 * n.parameters();
            long b4096 = AdamW8bit.stateBytes(n.sizes(), 4096);
            long b16384 = AdamW8bit.stateBytes(n.sizes(), 16384);
            out.printf(Locale.ROOT, "%-18s %13d %10.1f MiB %12.1f MiB (%4.1f%%) %12.1f MiB (%4.1f%%)%n", n.name(),
                    n.parameters(), mib(fp32), mib(b4096), 100.0 * b4096 / fp32, mib(b16384), 100.0 * b16384 / fp32);
        }
    }

    private static double mib(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }
}
