/**
 * The {@code weft} command line: a picocli top-level command ({@link dev.weft.cli.WeftCommand})
 * with one class per subcommand.
 *
 * <p>Vocabulary of {@code weft showdown}: a <em>strategy</em> is one way to compute a workload's
 * result ({@link dev.weft.cli.Strategy}); a <em>round</em> is one timed run of a strategy; a
 * strategy's reported row is its <em>median round</em>, the round with the median wall time; its
 * <em>efficiency</em> is its speed-up over the baseline divided by the cores; the <em>verdict</em>
 * under a table explains the rows ({@link dev.weft.cli.Verdict}).
 *
 * <p>Conventions of every command: columns count from 1; sizes are decimal (1 MB = 1,000,000
 * bytes); a failure is one line on stderr, with the Java stack trace only under {@code --debug};
 * text from input files is escaped before it reaches the terminal ({@link dev.weft.cli.Text}).
 */
package dev.weft.cli;
