package org.coverlab.metrics;

import java.util.Arrays;

/**
 * One numpy array as a {@code .npy} file holds it: a shape and its values in C (row-major) order, widened to double.
 * {@code float32} records whether the file stored 4-byte floats, so a round trip keeps the dtype.
 */
public record NpyArray(long[] shape, double[] data, boolean float32) {

    public NpyArray {
        shape = shape.clone();
        long size = 1;
        for (long s : shape) {
            if (s < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            size *= s;
        }
        if (size != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + size + " values, got " + data.length);
        }
    }

    public static NpyArray of(double[] vector) {
        return new NpyArray(new long[] {vector.length}, vector, false);
    }

    public static NpyArray of(double[][] matrix) {
        int rows = matrix.length;
        int cols = rows == 0 ? 0 : matrix[0].length;
        double[] flat = new double[rows * cols];
        for (int r = 0; r < rows; r++) {
            if (matrix[r].length != cols) {
                throw new IllegalArgumentException("ragged matrix: row " + r + " has " + matrix[r].length + " values, row 0 has " + cols);
            }
            System.arraycopy(matrix[r], 0, flat, r * cols, cols);
        }
        return new NpyArray(new long[] {rows, cols}, flat, false);
    }

    /** Rows of float features (n, d) stored as float32, the size that matters for thousands of images. */
    public static NpyArray ofRows(float[][] rows) {
        int n = rows.length;
        int d = n == 0 ? 0 : rows[0].length;
        double[] flat = new double[n * d];
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < d; c++) {
                flat[r * d + c] = rows[r][c];
            }
        }
        return new NpyArray(new long[] {n, d}, flat, true);
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public int dimensions() {
        return shape.length;
    }

    public String shapeText() {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            sb.append(shape[i]).append(shape.length == 1 || i < shape.length - 1 ? "," : "");
            if (i < shape.length - 1) {
                sb.append(' ');
            }
        }
        return sb.append(')').toString();
    }

    /** Rows of a 2-D array as floats. */
    public float[][] toFloatRows() {
        if (shape.length != 2) {
            throw new IllegalStateException("not a 2-D array: shape " + shapeText());
        }
        int n = (int) shape[0];
        int d = (int) shape[1];
        float[][] out = new float[n][d];
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < d; c++) {
                out[r][c] = (float) data[r * d + c];
            }
        }
        return out;
    }
}
