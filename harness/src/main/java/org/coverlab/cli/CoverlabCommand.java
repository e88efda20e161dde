package org.coverlab.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.coverlab.util.BadInputException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/**
 * {@code coverlab}: the root command. A new subcommand is registered by adding its class to {@code subcommands}
 * below; it reaches the process context through {@code @ParentCommand CoverlabCommand root; root.context()}.
 */
@Command(name = "coverlab",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Fine-tune Stable Diffusion on book covers and measure the result, from a YAML experiment spec.",
        subcommands = {
                RunCommand.class,
                RunsCommand.class,
                SpecCommand.class,
                MakeDatasetCommand.class,
                ModelCommand.class,
                GenerateCommand.class,
                PrecalcFidStatsCommand.class,
                FidCommand.class,
                ReportCommand.class,
                StudyCommand.class,
                BenchCommand.class,
                CommandLine.HelpCommand.class,
        },
        footer = {"", ExitCodes.HELP_SECTION})
public final class CoverlabCommand implements Callable<Integer> {

    private final CliContext context;

    @Spec
    CommandLine.Model.CommandSpec spec;

    public CoverlabCommand(CliContext context) {
        this.context = context;
    }

    public CliContext context() {
        return context;
    }

    /** No subcommand given: a usage error. */
    @Override
    public Integer call() {
        context.err().println("coverlab: a command is required");
        spec.commandLine().usage(context.err());
        return ExitCodes.BAD_INPUT;
    }

    /** Parses and runs {@code args} in the given context and returns the exit code. */
    public static int execute(CliContext context, String... args) {
        CommandLine cli = new CommandLine(new CoverlabCommand(context));
        cli.setOut(new PrintWriter(context.out(), true));
        cli.setErr(new PrintWriter(context.err(), true));
        // A usage mistake is one line naming the command, not the whole help text (that is one --help away).
        cli.setParameterExceptionHandler((e, ignored) -> {
            String command = e.getCommandLine().getCommandSpec().qualifiedName();
            context.err().println(command + ": " + e.getMessage() + " (see '" + command + " --help')");
            return ExitCodes.BAD_INPUT;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            // Bad input (a corrupt model file, a bad config value) is the user's to fix: the message says what and
            // where, a stack trace would only hide it.
            BadInputException bad = BadInputException.in(e);
            if (bad != null) {
                context.err().println(commandLine.getCommandSpec().qualifiedName() + ": " + bad.getMessage());
                return ExitCodes.BAD_INPUT;
            }
            context.err().println("coverlab: internal error: " + e);
            e.printStackTrace(context.err());
            return ExitCodes.INTERNAL;
        });
        return cli.execute(args);
    }
}
