package org.coverlab.cli;

/** Entry point: {@code java -Dai.djl.offline=true -cp <classpath> org.coverlab.cli.Main <command> ...}. */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        System.exit(CoverlabCommand.execute(CliContext.system(), args));
    }
}
