package org.coverlab.run;

import java.util.List;

/**
 * The spec (or {@code --stages}) asks for stages this build cannot run, or for input that cannot be used; raised before
 * anything is created or run.
 */
public final class StagePlanException extends Exception {

    /**
     * Why the plan failed: the user asked for something wrong, the input files or tracker settings are unusable, or
     * the build lacks an implementation.
     */
    public enum Kind {
        BAD_SELECTION, BAD_INPUT, UNAVAILABLE
    }

    private final Kind kind;
    private final List<String> problems;

    public StagePlanException(Kind kind, List<String> problems) {
        super(String.join("\n", problems));
        this.kind = kind;
        this.problems = List.copyOf(problems);
    }

    public Kind kind() {
        return kind;
    }

    public List<String> problems() {
        return problems;
    }
}
