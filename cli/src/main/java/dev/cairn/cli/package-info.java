/**
 * The {@code cairn} command line.
 *
 * <p>Reading order: {@link dev.cairn.cli.Main} (the process entry point), {@link
 * dev.cairn.cli.CairnCommand} (the top-level command, where subcommands are registered), then one
 * file per subcommand ({@code EnginesCommand}, {@code PutCommand}, {@code GetCommand}, {@code
 * DeleteCommand}, {@code ScanCommand}, {@code CheckCommand}). Shared pieces: {@code StoreOptions}
 * (which store to open), {@code WaitOption} (waiting for a store a writer holds), {@code
 * ByteEncoding} (text or hex keys and values), {@code ErrorReporter} (exceptions to messages and
 * exit codes) and {@code ExitCodes}.
 */
package dev.cairn.cli;
