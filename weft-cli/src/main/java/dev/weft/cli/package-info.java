/**
 * The {@code weft} command line: a picocli top-level command ({@link dev.weft.cli.WeftCommand})
 * with one class per subcommand.
 *
 * <p>Vocabulary of {@code weft showdown}: a <em>strategy</em> is one way to compute a workload's
 * result ({@link dev.weft.cli.Strategy}); a <em>round</em> is one timed run of a strategy; a
 * strategy's reported row is its <em>median round</em>, the round with the median wall time.
 */
package dev.weft.cli;
