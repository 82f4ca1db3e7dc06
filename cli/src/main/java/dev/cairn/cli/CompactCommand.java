package dev.cairn.cli;

import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.StorageIOException;
import dev.cairn.spi.StoreLockedException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code cairn compact}: gives a store's free space back to the file system with its engine's
 * {@code compact()} (SPI 1.2), and prints the size of the store's files before and after.
 *
 * <p>The store is opened for writing, so no other process may hold it; the sizes are those of every
 * file in the store's directory, whatever the engine keeps there.
 */
@Command(
    name = "compact",
    description = {
      "Gives a store's free space back to the file system (the engine's compact()): its files"
          + " shrink; its contents stay as they were.",
      "Opens the store for writing, so no other process may hold it. Prints the size of the"
          + " store's files before and after, and the time taken. Engines that do not compact"
          + " in place release nothing (btree and rocksdb do; see docs/cli.md)."
    })
final class CompactCommand implements Callable<Integer> {

  @Mixin HelpOption help;

  @ParentCommand CairnCommand root;

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DIR", description = "The store's directory.")
  Path dir;

  @Override
  public Integer call() {
    if (!Files.isDirectory(dir)) {
      throw new ParameterException(
          spec.commandLine(),
          "no store at "
              + dir
              + ": "
              + (Files.exists(dir) ? "not a directory" : "no such directory"));
    }
    long before;
    long after;
    long released;
    long nanos;
    String engineName;
    StorageEngine engine;
    before = size(dir);
    try {
      engine = root.registry().store(dir).createIfMissing(false).open();
    } catch (StoreLockedException e) {
      throw new StoreLockedException(
          e.getMessage()
              + "; cairn compact needs the store to itself: close the process holding it, or"
              + " call compact() on the store it has open",
          e);
    }
    try (engine) {
      engineName = root.registry().recordedEngine(dir).orElse("?");
      long start = System.nanoTime();
      released = engine.compact();
      nanos = System.nanoTime() - start;
    }
    after = size(dir);
    PrintWriter out = spec.commandLine().getOut();
    out.printf(
        Locale.ROOT,
        "compacted %s (%s): %s -> %s (%s) in %.2f s%n",
        dir,
        engineName,
        bytes(before),
        bytes(after),
        released == 0 ? "nothing to give back" : "the engine released " + bytes(released),
        nanos / 1e9);
    out.flush();
    return ExitCodes.OK;
  }

  /** The bytes of every regular file under {@code dir}. */
  static long size(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(Files::isRegularFile)
          .mapToLong(
              f -> {
                try {
                  return Files.size(f);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              })
          .sum();
    } catch (IOException | UncheckedIOException e) {
      throw new StorageIOException(dir + ": cannot read the size of the store's files", e);
    }
  }

  private static String bytes(long n) {
    return String.format(Locale.ROOT, "%,d bytes", n);
  }
}
