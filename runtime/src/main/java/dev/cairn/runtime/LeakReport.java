package dev.cairn.runtime;

import dev.cairn.spi.InvalidArgumentException;
import java.util.Optional;

/**
 * A cursor or snapshot that became unreachable without being closed.
 *
 * <p>By the time a report is made the runtime has already closed the engine's resource. Immutable.
 *
 * @param engine the name of the engine that lent the handle
 * @param kind {@code "cursor"} or {@code "snapshot"}
 * @param openedAt a throwable created when the handle was opened: its stack trace shows where. For
 *     a store opened with {@link StoreBuilder#openingStacks(boolean) openingStacks(false)}, one
 *     throwable shared by all reports, without a stack trace, whose message says how to record it
 * @param requestId the request ({@link dev.cairn.spi.RequestContext}) current where the handle was
 *     opened, if any (since 1.2)
 */
public record LeakReport(
    String engine, String kind, Throwable openedAt, Optional<String> requestId) {

  /**
   * @throws InvalidArgumentException if a component is null
   * @since 1.2
   */
  public LeakReport {
    if (engine == null || kind == null || openedAt == null || requestId == null) {
      throw new InvalidArgumentException("engine, kind, openedAt and requestId are required");
    }
  }

  /** A report of a handle opened outside any request. */
  public LeakReport(String engine, String kind, Throwable openedAt) {
    this(engine, kind, openedAt, Optional.empty());
  }
}
