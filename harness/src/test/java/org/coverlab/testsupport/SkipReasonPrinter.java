package org.coverlab.testsupport;

import java.io.PrintStream;
import java.util.Optional;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

/**
 * Prints why each skipped test was skipped, on the console of {@code mvn test} and {@code .ci/run}: surefire only
 * counts skips, so a test that stopped running (a server that did not start, a missing folder) would pass unseen.
 * Covers both kinds: disabled ({@code @Disabled}, conditions) and aborted (a failed assumption). Registered through
 * META-INF/services/org.junit.platform.launcher.TestExecutionListener.
 */
public final class SkipReasonPrinter implements TestExecutionListener {

    private final PrintStream out;

    public SkipReasonPrinter() {
        this(System.out);
    }

    SkipReasonPrinter(PrintStream out) {
        this.out = out;
    }

    @Override
    public void executionSkipped(TestIdentifier test, String reason) {
        print(test, reason);
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
            print(test, result.getThrowable().map(Throwable::getMessage).orElse("aborted (no reason given)"));
        }
    }

    private void print(TestIdentifier test, String reason) {
        out.println("SKIPPED " + name(test) + ": " + (reason == null || reason.isBlank() ? "(no reason given)" : reason.strip()));
        out.flush();
    }

    private static String name(TestIdentifier test) {
        Optional<MethodSource> method = test.getSource().filter(MethodSource.class::isInstance).map(MethodSource.class::cast);
        return method.map(m -> m.getClassName().substring(m.getClassName().lastIndexOf('.') + 1) + "." + m.getMethodName())
                .orElse(test.getDisplayName());
    }
}
