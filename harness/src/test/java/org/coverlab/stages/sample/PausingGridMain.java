package org.coverlab.stages.sample;

import java.nio.file.Files;
import java.nio.file.Path;
import org.coverlab.cli.CliContext;
import org.coverlab.cli.CoverlabCommand;

/**
 * Test child process: coverlab's command line with a sample stage that, after checkpointing grid row N, writes
 * {@code DIR/row-N} and waits (at most a minute) for {@code DIR/go-N}, DIR from {@code -Dcoverlab.test.pauseDir}. A
 * test can so signal the process at a known point in the middle of a grid.
 */
public final class PausingGridMain {

    private PausingGridMain() {
    }

    public static void main(String[] args) {
        Path dir = Path.of(System.getProperty("coverlab.test.pauseDir"));
        SampleStage pausing = new SampleStage(rows -> {
            try {
                Files.writeString(dir.resolve("row-" + rows), "checkpointed");
                long deadline = System.currentTimeMillis() + 60_000;
                while (!Files.exists(dir.resolve("go-" + rows)) && System.currentTimeMillis() < deadline) {
                    Thread.sleep(20);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        CliContext system = CliContext.system();
        CliContext ctx = new CliContext(system.out(), system.err(), system.env(), system.cwd(), system.terminal(),
                system.stages().with(pausing), system.remoteTrackers(), system.clock(), system.handleSignals());
        System.exit(CoverlabCommand.execute(ctx, args));
    }
}
