package dev.cairn.runtime;

import dev.cairn.spi.EngineEvent;
import dev.cairn.spi.EngineEventListener;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * The listener the runtime gives every engine it opens ({@link
 * dev.cairn.spi.EngineOptions#eventListener()}): each {@link EngineEvent} is timed in the {@code
 * cairn.engine.work} timer (tags {@code engine}, {@code kind}); one at or over the store's
 * threshold becomes a JFR {@link EngineWorkEvent} (when recording) and goes to the application's
 * listener, if it gave one ({@link StoreBuilder#eventListener}).
 *
 * <p>Thread-safe; called on whichever thread did the work.
 */
final class EngineEvents implements EngineEventListener {

  static final String WORK = "cairn.engine.work";

  private static final System.Logger LOG = System.getLogger("dev.cairn.runtime");

  private final String engine;
  private final String store;
  private final long thresholdNanos;
  private final EngineEventListener application;
  private final Map<EngineEvent.Kind, Timer> timers = new EnumMap<>(EngineEvent.Kind.class);

  EngineEvents(
      String engine,
      String store,
      Duration threshold,
      EngineEventListener application,
      MeterRegistry registry) {
    this.engine = engine;
    this.store = store;
    this.thresholdNanos = threshold.toNanos();
    this.application = application;
    for (EngineEvent.Kind k : EngineEvent.Kind.values()) {
      timers.put(
          k,
          Timer.builder(WORK)
              .description("fsyncs, rolls, flushes, compactions, stalls of the engine")
              .tags("engine", engine, "kind", tag(k))
              .register(registry));
    }
  }

  static String tag(EngineEvent.Kind k) {
    return k.name().toLowerCase(java.util.Locale.ROOT);
  }

  @Override
  public void onEvent(EngineEvent e) {
    long nanos = e.duration().toNanos();
    timers.get(e.kind()).record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    if (nanos < thresholdNanos) {
      return;
    }
    EngineWorkEvent jfr = new EngineWorkEvent();
    if (jfr.isEnabled()) {
      jfr.engine = engine;
      jfr.store = store;
      jfr.kind = tag(e.kind());
      jfr.workDuration = nanos;
      jfr.bytes = e.bytes();
      jfr.detail = e.detail();
      jfr.requestId = e.requestId().orElse(null);
      jfr.commit();
    }
    if (application != null) {
      try {
        application.onEvent(e);
      } catch (RuntimeException ex) {
        LOG.log(System.Logger.Level.WARNING, "event listener " + application + " failed", ex);
      }
    }
  }
}
