package org.coverlab.data;

/**
 * Where the data stream stands: the epoch and how many entries of that epoch's shuffled order were consumed (skipped
 * bad images included). A checkpoint stores the cursor after the last example it trained on; resuming from it
 * replays exactly the rest of the epoch.
 */
public record Cursor(int epoch, int position) {

    public static final Cursor START = new Cursor(0, 0);

    public Cursor {
        if (epoch < 0 || position < 0) {
            throw new IllegalArgumentException("cursor must be non-negative: epoch " + epoch + ", position " + position);
        }
    }

    /** The same place, moved to the next epoch's start when this epoch (of size n) is used up. */
    public Cursor normalised(int epochSize) {
        return position >= epochSize ? new Cursor(epoch + 1, 0) : this;
    }

    @Override
    public String toString() {
        return "epoch " + epoch + ", position " + position;
    }
}
