package org.coverlab.spec;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A spec that cannot be used, with every problem found (not just the first). The message lists the issues one per
 * line in the form {@code file:line: key.path: what was expected}, ready to print to a user without a stack trace.
 */
public final class SpecException extends Exception {
    private static final long serialVersionUID = 1L;

    private final List<SpecIssue> issues;

    public SpecException(List<SpecIssue> issues) {
        super(format(issues));
        if (issues.isEmpty()) {
            throw new IllegalArgumentException("a SpecException needs at least one issue");
        }
        this.issues = List.copyOf(issues);
    }

    public List<SpecIssue> issues() {
        return issues;
    }

    private static String format(List<SpecIssue> issues) {
        return issues.stream().map(SpecIssue::toString).collect(Collectors.joining("\n"));
    }
}
