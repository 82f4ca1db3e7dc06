/** The {@code cairn bench} command (picocli), and a main to run it on its own. */
package dev.cairn.bench.cli;
