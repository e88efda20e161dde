package org.coverlab.spec;

/** Image size in pixels; both sides must be multiples of 8 (the VAE downsamples by 8). */
public record Resolution(
        @Doc("Image width in pixels (multiple of 8)") @Range(min = 8, max = 2048) int width,
        @Doc("Image height in pixels (multiple of 8)") @Range(min = 8, max = 2048) int height) {
    public static final Resolution TINY = new Resolution(64, 96);
}
