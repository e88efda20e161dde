package org.coverlab.training;

/**
 * One optimizer update.
 *
 * @param step        the update's number (1-based)
 * @param loss        mean micro-batch loss of the update
 * @param lr          the learning rate it used
 * @param gradNorm    global L2 norm of the gradient before clipping
 * @param microBatches micro-batches accumulated (fewer than the accumulation only at an epoch's end)
 * @param examples    examples in those micro-batches
 * @param epochEnd    whether this update ended an epoch
 */
public record UpdateResult(long step, double loss, double lr, double gradNorm, int microBatches, int examples,
                           boolean epochEnd) {
}
