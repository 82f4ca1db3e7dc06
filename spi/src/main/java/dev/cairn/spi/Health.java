package dev.cairn.spi;

import java.util.List;

/**
 * What a store knows about its own health: whether it serves writes, and the background errors it
 * has seen (a failed merge, compaction or flush), which would otherwise show only in a log line and
 * a counter.
 *
 * @param status the store's state
 * @param backgroundErrors how many background errors the store has seen since it opened
 * @param problems one line per problem worth an operator's attention, most recent last (at most a
 *     few; {@code backgroundErrors} counts them all)
 * @since 1.1
 */
public record Health(Status status, long backgroundErrors, List<String> problems) {

  /**
   * A store's state.
   *
   * @since 1.1
   */
  public enum Status {
    /** Serving reads and writes; no background error outstanding. */
    OK,
    /**
     * Serving reads and writes, but background work has failed (and may be retrying): space or read
     * amplification may grow until it succeeds.
     */
    DEGRADED,
    /** Fail-stopped: writes throw {@link EngineFailedException} until the store is reopened. */
    FAILED,
    /** The engine does not report its health (an engine built against SPI 1.0). */
    UNKNOWN
  }

  /**
   * @throws InvalidArgumentException if the status is null or the count negative
   */
  public Health {
    if (status == null) {
      throw new InvalidArgumentException("health status is null");
    }
    if (backgroundErrors < 0) {
      throw new InvalidArgumentException("background error count is negative: " + backgroundErrors);
    }
    problems = problems == null ? List.of() : List.copyOf(problems);
  }

  /** A store with nothing to report. */
  public static Health ok() {
    return new Health(Status.OK, 0, List.of());
  }

  /** The health of an engine that does not report it. */
  public static Health unknown() {
    return new Health(Status.UNKNOWN, 0, List.of());
  }
}
