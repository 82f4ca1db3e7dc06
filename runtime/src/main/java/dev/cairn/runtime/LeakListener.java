package dev.cairn.runtime;

/**
 * Told about every cursor or snapshot that became unreachable without being closed.
 *
 * <p>The runtime calls it from its cleaner thread, after it has closed the engine's resource, once
 * per leaked handle. An implementation must be thread-safe and quick, and should not throw: an
 * exception it throws is logged and otherwise ignored. The default listener logs a {@code WARNING}
 * through {@link System.Logger} (logger {@code dev.cairn.runtime}) with the stack of where the
 * handle was opened, if the store recorded it ({@link StoreBuilder#openingStacks(boolean)}).
 */
@FunctionalInterface
public interface LeakListener {

  /** Reports one leaked handle. */
  void leaked(LeakReport report);
}
