package io.reckon.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code reckon} command line. */
@Command(
        name = "reckon",
        mixinStandardHelpOptions = true,
        version = "reckon 0.1.0",
        description = "Real-time revenue-leak detection: reconcile usage, reported usage, invoices and contracts.",
        subcommands = {
            ReplayCommand.class,
            MigrateCommand.class,
            DemoCommand.class,
            ActionsCommand.class,
            BenchCommand.class,
            StripeBackfillCommand.class,
            ClusterCommand.class,
            CommandLine.HelpCommand.class
        })
public final class ReckonCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line, with a failed command's causes summed up after its stack trace ({@link CommandFailure}). */
    public static CommandLine commandLine() {
        return new CommandLine(new ReckonCli()).setExecutionExceptionHandler(new CommandFailure());
    }

    @Override
    public void run() {
        // A missing command is a usage error (exit 2, the usage on standard error), as for an unknown one.
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing a command.");
    }
}
