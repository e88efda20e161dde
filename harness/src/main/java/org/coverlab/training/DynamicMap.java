package org.coverlab.training;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * bitsandbytes' dynamic 8-bit data type ({@code create_dynamic_map(signed, max_exponent_bits=7, total_bits=8)}):
 * 256 sorted values in [-1, 1] (signed) or [0, 1] (unsigned), dense near zero and sparse near one, so block-scaled
 * optimizer moments keep their small values. {@link #encode} rounds to the nearest code, {@link #decode} looks it up.
 */
public final class DynamicMap {
    public static final DynamicMap SIGNED = new DynamicMap(true);
    public static final DynamicMap UNSIGNED = new DynamicMap(false);

    private final float[] code;

    private DynamicMap(boolean signed) {
        int maxExponentBits = 7;
        int nonSignBits = 7;
        List<Float> data = new ArrayList<>();
        for (int i = 0; i < maxExponentBits; i++) {
            int fractionItems = signed ? (1 << (i + nonSignBits - maxExponentBits)) + 1
                    : (1 << (i + nonSignBits - maxExponentBits + 1)) + 1;
            float[] boundaries = linspace(0.1f, 1f, fractionItems);
            float scale = (float) Math.pow(10, -(maxExponentBits - 1) + i);
            for (int k = 0; k + 1 < boundaries.length; k++) {
                float mean = (boundaries[k] + boundaries[k + 1]) / 2f;
                data.add(scale * mean);
                if (signed) {
                    data.add(-scale * mean);
                }
            }
        }
        data.add(0f);
        data.add(1f);
        if (data.size() != 256) {
            throw new IllegalStateException("dynamic map has " + data.size() + " values, expected 256");
        }
        code = new float[256];
        for (int i = 0; i < 256; i++) {
            code[i] = data.get(i);
        }
        Arrays.sort(code);
    }

    /** torch.linspace in float32: from both ends towards the middle. */
    private static float[] linspace(float start, float end, int n) {
        float[] out = new float[n];
        float step = (end - start) / (n - 1);
        for (int i = 0; i < n; i++) {
            out[i] = i < n / 2 ? start + step * i : end - step * (n - 1 - i);
        }
        return out;
    }

    public float decode(int index) {
        return code[index & 0xff];
    }

    /** The index of the code nearest to {@code x} (x already divided by its block's absolute maximum). */
    public int encode(float x) {
        int lo = 0;
        int hi = 255;
        if (!(x > code[0])) {
            return 0;
        }
        if (x >= code[255]) {
            return 255;
        }
        while (hi - lo > 1) {            // invariant: code[lo] < x <= code[hi]
            int mid = (lo + hi) >>> 1;
            if (code[mid] < x) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        float midpoint = (code[lo] + code[hi]) * 0.5f;
        return x > midpoint ? hi : lo;
    }

    public float[] codes() {
        return code.clone();
    }
}
