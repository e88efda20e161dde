package org.coverlab.spec;

/**
 * One problem found in a spec: where it is (file, line, dotted key path) and what was expected.
 * Line is 0 when the value came from the command line or a default.
 */
public record SpecIssue(String file, int line, String keyPath, String message) {
    @Override
    public String toString() {
        String where = line > 0 ? file + ":" + line : file;
        return where + ": " + keyPath + ": " + message;
    }
}
