/**
 * Stable Diffusion networks on DJL: CLIP text encoder ({@code clip}), UNet2DConditionModel ({@code unet}),
 * AutoencoderKL ({@code vae}), sampling ({@code pipeline}), checkpoint files ({@code io}) and the embedded
 * {@link org.coverlab.model.TinyPreset}.
 *
 * <p>Design: the networks are plain Java classes holding named {@link org.coverlab.model.nn.Param}s in a
 * {@link org.coverlab.model.nn.ParamStore} rather than DJL {@code Block}s. Parameter names are the diffusers /
 * transformers state-dict keys, so a checkpoint maps 1:1 with no renaming table, the structure is built straight
 * from config.json (no shape inference or initialize() pass), and forward code reads like diffusers'. Autograd is
 * unaffected: parameters are ordinary NDArrays with {@code setRequiresGradient}, every op is an NDArray op, and a
 * DJL GradientCollector / Optimizer can update them by name ({@code ParamStore.setTrainable}).
 *
 * <p>Numerics are proven against diffusers 0.42.1 / transformers 5.24 by the conformance tests (vectors made by
 * scripts/refvectors/models.py, max abs error &lt;= 1e-4 in fp32; observed &lt;= 2e-6).
 */
package org.coverlab.model;
