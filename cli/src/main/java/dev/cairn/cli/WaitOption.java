package dev.cairn.cli;

import dev.cairn.spi.StoreLockedException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import java.util.Stack;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --wait[=DURATION]} of the commands that only read: when a writer holds the store, open it
 * once the writer has closed it, instead of failing at once. A picocli mixin; one instance per
 * command invocation.
 *
 * <p>Design. The engines refuse an open the store's lock keeps out with {@link
 * StoreLockedException} (for the hash engine: a read-only open while a writer, in this process or
 * another, holds the store); there is no lock to block on through the SPI, so waiting is retrying,
 * with pauses that grow from {@value #FIRST_PAUSE_MILLIS} ms to {@value #MAX_PAUSE_MILLIS} ms. The
 * user is told once, on standard error, what the store said and how long the command waits. A bare
 * {@code --wait} waits without limit; the duration must be attached ({@code --wait=30s}), as in
 * git's {@code --color[=WHEN]}, so that {@code --wait KEY} keeps its KEY.
 */
final class WaitOption {

  static final long FIRST_PAUSE_MILLIS = 25;
  static final long MAX_PAUSE_MILLIS = 1000;

  private static final Pattern AMOUNT = Pattern.compile("([0-9]{1,9})(ms|s|m|h)");

  /** How long to wait: {@code duration} null for no limit; {@code text} as the user gave it. */
  record Limit(Duration duration, String text) {
    static final Limit NONE = new Limit(null, "");
  }

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  @Option(
      names = "--wait",
      arity = "0..1",
      paramLabel = "DURATION",
      preprocessor = Bare.class,
      converter = Parse.class,
      description =
          "When a writer holds the store, wait until it is free: without limit, or at most"
              + " DURATION (such as 500ms, 30s, 5m or 1h; written --wait=DURATION). Default: fail"
              + " at once.")
  Limit wait;

  /**
   * Opens with {@code open}, and while it fails with {@link StoreLockedException} and {@code
   * --wait} allows, tries again.
   *
   * @throws StoreLockedException the last refusal, saying how long the command waited (or, without
   *     {@code --wait}, that it can wait)
   */
  <T> T open(Supplier<T> open) {
    if (wait == null) {
      try {
        return open.get();
      } catch (StoreLockedException e) {
        throw new StoreLockedException(
            e.getMessage() + "; add --wait[=DURATION] to wait until it is free", e);
      }
    }
    long start = System.nanoTime();
    long limit = wait.duration() == null ? Long.MAX_VALUE : saturatedNanos(wait.duration());
    long pause = FIRST_PAUSE_MILLIS;
    boolean told = false;
    while (true) {
      try {
        return open.get();
      } catch (StoreLockedException e) {
        long left = limit - (System.nanoTime() - start);
        if (left <= 0) {
          throw new StoreLockedException(
              e.getMessage() + "; gave up after waiting " + wait.text(), e);
        }
        if (!told) {
          tellWaiting(e);
          told = true;
        }
        try {
          Thread.sleep(Math.min(pause, Math.max(1, left / 1_000_000)));
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new StoreLockedException(e.getMessage() + "; interrupted while waiting", e);
        }
        pause = Math.min(pause * 2, MAX_PAUSE_MILLIS);
      }
    }
  }

  private void tellWaiting(StoreLockedException e) {
    PrintWriter err = command.commandLine().getErr();
    err.println(
        command.qualifiedName()
            + ": "
            + ErrorReporter.kind(e)
            + ": "
            + ErrorReporter.message(e)
            + (wait.duration() == null
                ? "; waiting for it to be free (no time limit)"
                : "; waiting up to " + wait.text() + " for it to be free"));
    err.flush();
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  /** A bare {@code --wait}, without {@code =DURATION}: wait without limit, take no argument. */
  static final class Bare implements picocli.CommandLine.IParameterPreprocessor {
    @Override
    public boolean preprocess(
        Stack<String> args, CommandSpec commandSpec, ArgSpec argSpec, Map<String, Object> info) {
      if ("=".equals(info.get("separator"))) {
        return false; // --wait=DURATION: the converter reads it
      }
      argSpec.setValue(Limit.NONE);
      return true;
    }
  }

  /** {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, or ISO-8601 ({@code PT1M30S}). */
  static final class Parse implements ITypeConverter<Limit> {
    @Override
    public Limit convert(String text) {
      Matcher m = AMOUNT.matcher(text);
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        ChronoUnit unit =
            switch (m.group(2)) {
              case "ms" -> ChronoUnit.MILLIS;
              case "s" -> ChronoUnit.SECONDS;
              case "m" -> ChronoUnit.MINUTES;
              default -> ChronoUnit.HOURS;
            };
        return new Limit(Duration.of(n, unit), text);
      }
      if (text.toUpperCase(Locale.ROOT).startsWith("P")) {
        try {
          Duration d = Duration.parse(text);
          if (!d.isNegative()) {
            return new Limit(d, text);
          }
        } catch (DateTimeParseException e) {
          // falls through to the message below
        }
      }
      throw new TypeConversionException(
          "'"
              + text
              + "' is not a duration: give a whole number and a unit, such as 500ms, 30s, 5m or"
              + " 1h");
    }
  }
}
