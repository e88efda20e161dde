package org.coverlab.data;

/**
 * One decoded training example: the source row, its caption for this epoch, the image as CHW floats in [-1, 1], and
 * the cursor to resume from after it.
 */
public record TrainingExample(BookRecord book, String caption, float[] pixels, int width, int height, boolean flipped, Cursor after) {}
