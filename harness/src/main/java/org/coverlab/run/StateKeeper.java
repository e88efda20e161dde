package org.coverlab.run;

import java.io.IOException;
import java.time.Clock;
import java.util.function.UnaryOperator;

/** Holds a run's current {@link RunState} and persists every change atomically to state.json. */
final class StateKeeper {

    private final RunDir dir;
    private final Clock clock;
    private RunState state;

    StateKeeper(RunDir dir, Clock clock, RunState initial) {
        this.dir = dir;
        this.clock = clock;
        this.state = initial;
    }

    synchronized RunState get() {
        return state;
    }

    synchronized RunState update(UnaryOperator<RunState> change) throws IOException {
        RunState next = change.apply(state).withUpdatedAt(clock.instant().toString());
        dir.writeState(next);
        state = next;
        return next;
    }
}
