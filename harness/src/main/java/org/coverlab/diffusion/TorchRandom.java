package org.coverlab.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The only place that touches the engine's global random generator. PyTorch keeps one default CPU generator, which
 * DJL seeds with {@code Engine.setRandomSeed} and {@code randomNormal} draws from; together they give exactly
 * {@code torch.manual_seed(seed); torch.randn(shape)}. Because that generator is process-wide, seeding and drawing
 * happen under one lock, and every draw reseeds, so results never depend on what else ran before.
 */
public final class TorchRandom {

    private static final Object LOCK = new Object();

    private TorchRandom() {
    }

    /** {@code torch.manual_seed(seed); torch.randn(shape)} as float32 in {@code manager}. Seeds are 0..2^31-1. */
    public static NDArray randn(NDManager manager, long seed, Shape shape) {
        int s = checkSeed(seed);
        synchronized (LOCK) {
            manager.getEngine().setRandomSeed(s);
            return manager.randomNormal(0f, 1f, shape, DataType.FLOAT32);
        }
    }

    /** DJL's engine seed is a Java int; larger seeds cannot be reproduced through it. */
    public static int checkSeed(long seed) {
        if (seed < 0 || seed > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("seed must be in 0.." + Integer.MAX_VALUE + ", got " + seed);
        }
        return (int) seed;
    }

    /**
     * A reproducible noise stream, restarted by {@link NoiseSource#reset()}: draw k is {@code randn} with seed {@code (seed + k * 1000003) mod 2^31}. It is
     * deterministic but not torch's continuing generator stream (which would need the global generator held
     * across the whole sampling loop).
     */
    public static NoiseSource stream(long seed) {
        checkSeed(seed);
        return new NoiseSource() {
            private long draws;

            @Override
            public NDArray next(NDManager manager, Shape shape) {
                long s = Math.floorMod(seed + draws++ * 1_000_003L, (long) Integer.MAX_VALUE + 1);
                return randn(manager, s, shape);
            }

            @Override
            public void reset() {
                draws = 0;
            }
        };
    }
}
