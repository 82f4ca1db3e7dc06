package dev.cairn.spi;

/**
 * Receives the {@link EngineEvent}s of a store. Called on whichever thread did the work (a
 * caller's, for a write that rolled a log; an engine-owned one, for a compaction), so it must be
 * quick and thread-safe; what it throws is the listener's fault: engines catch it and go on.
 *
 * @since 1.2
 */
@FunctionalInterface
public interface EngineEventListener {

  /** A listener that drops every event: the default of {@link EngineOptions}. */
  EngineEventListener NONE = e -> {};

  /** Receives one event. */
  void onEvent(EngineEvent event);

  /**
   * Gives {@code event} to this listener, catching whatever it throws: what engines call, so that a
   * faulty listener never breaks the work it hears of.
   */
  default void deliver(EngineEvent event) {
    try {
      onEvent(event);
    } catch (RuntimeException | Error e) {
      if (e instanceof VirtualMachineError v) {
        throw v;
      }
      // The listener's own fault; the work it hears of goes on.
    }
  }
}
