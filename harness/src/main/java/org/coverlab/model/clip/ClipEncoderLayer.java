package org.coverlab.model.clip;

import ai.djl.ndarray.NDArray;
import org.coverlab.model.nn.Init;
import org.coverlab.model.nn.LayerNorm;
import org.coverlab.model.nn.Linear;
import org.coverlab.model.nn.MultiHeadAttention;
import org.coverlab.model.nn.Ops;
import org.coverlab.model.nn.Scope;

/** One pre-LayerNorm transformer layer of the CLIP text encoder. */
final class ClipEncoderLayer {
    private final LayerNorm norm1;
    private final LayerNorm norm2;
    private final Linear q;
    private final Linear k;
    private final Linear v;
    private final Linear out;
    private final Linear fc1;
    private final Linear fc2;
    private final int heads;
    private final String act;

    ClipEncoderLayer(Scope s, ClipTextConfig c) {
        int d = c.hiddenSize();
        // transformers' CLIP init: normal weights scaled by width and depth, zero biases
        float inStd = (float) (Math.pow(d, -0.5) * Math.pow(2.0 * c.numLayers(), -0.5));
        float outStd = (float) Math.pow(d, -0.5);
        float fcStd = (float) Math.pow(2.0 * d, -0.5);
        Scope a = s.child("self_attn");
        q = new Linear(a.child("q_proj"), d, d, true, new Init.Normal(inStd), Init.zeros());
        k = new Linear(a.child("k_proj"), d, d, true, new Init.Normal(inStd), Init.zeros());
        v = new Linear(a.child("v_proj"), d, d, true, new Init.Normal(inStd), Init.zeros());
        out = new Linear(a.child("out_proj"), d, d, true, new Init.Normal(outStd), Init.zeros());
        norm1 = new LayerNorm(s.child("layer_norm1"), d, c.layerNormEps());
        fc1 = new Linear(s.child("mlp").child("fc1"), d, c.intermediateSize(), true, new Init.Normal(fcStd), Init.zeros());
        fc2 = new Linear(s.child("mlp").child("fc2"), c.intermediateSize(), d, true, new Init.Normal(inStd), Init.zeros());
        norm2 = new LayerNorm(s.child("layer_norm2"), d, c.layerNormEps());
        heads = c.numHeads();
        act = c.hiddenAct();
    }

    NDArray forward(NDArray x, NDArray causalMask) {
        NDArray h = norm1.forward(x);
        NDArray attn = MultiHeadAttention.attend(q.forward(h), k.forward(h), v.forward(h), heads, causalMask);
        x = x.add(out.forward(attn));
        h = norm2.forward(x);
        return x.add(fc2.forward(Ops.activation(act, fc1.forward(h))));
    }
}
