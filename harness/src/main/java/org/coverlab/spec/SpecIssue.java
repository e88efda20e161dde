package org.coverlab.spec;

/**
 * One problem found in a spec: where it is (file, line, dotted key path) and what was expected.
 * Line is 0 when the value came from the command line or a default. Issues from a {@code --set} override carry
 * the file {@code "--set"} and print as {@code --set key.path: message}.
 */
public record SpecIssue(String file, int line, String keyPath, String message) {
    /** The pseudo file name of issues raised by {@code --set key=value} overrides. */
    public static final String SET_OVERRIDE = "--set";

    @Override
    public String toString() {
        if (SET_OVERRIDE.equals(file)) {
            return file + " " + keyPath + ": " + message;
        }
        String where = line > 0 ? file + ":" + line : file;
        return keyPath.isEmpty() ? where + ": " + message : where + ": " + keyPath + ": " + message;
    }
}
