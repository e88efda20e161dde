/**
 * Image-generation metrics as pure math, usable without a run: activation statistics (mean and covariance of feature
 * vectors), the Fréchet distance between two of them (FID, as pytorch-fid computes it), the kernel distance (KID, as
 * torchmetrics computes it) and pytorch-fid's {@code .npz} statistics files. Imports neither {@code run} nor
 * {@code stages}.
 */
package org.coverlab.metrics;
