package dev.cairn.runtime;

import dev.cairn.spi.InvalidArgumentException;

/**
 * Traces the boundary's operations: one span per operation when a store is opened with {@link
 * StoreBuilder#tracing(boolean) tracing(true)} and the OpenTelemetry API is on the module path
 * ({@link OpenTelemetryTracer}); nothing otherwise. This interface names no OpenTelemetry type, so
 * the runtime loads and runs without the API.
 */
interface OperationTracer {

  /** Traces nothing. */
  OperationTracer NONE = (engine, op, startNanos, error) -> {};

  /**
   * Records operation {@code op} of engine {@code engine}, started at {@code startNanos} ({@link
   * System#nanoTime()}) and ending now, which failed with {@code error} (null: it succeeded).
   * Called on the caller's thread, inside its request context.
   */
  void traced(String engine, Op op, long startNanos, Throwable error);

  /** The module the OpenTelemetry API ships as. */
  String API_MODULE = "io.opentelemetry.api";

  /**
   * The tracer for a store opened with tracing on.
   *
   * @throws InvalidArgumentException if the OpenTelemetry API is not there to trace with
   */
  static OperationTracer openTelemetry() {
    Module runtime = OperationTracer.class.getModule();
    boolean available;
    if (runtime.isNamed()) {
      ModuleLayer layer = runtime.getLayer();
      available =
          layer != null && layer.findModule(API_MODULE).map(runtime::canRead).orElse(Boolean.FALSE);
    } else {
      try {
        Class.forName("io.opentelemetry.api.GlobalOpenTelemetry");
        available = true;
      } catch (ClassNotFoundException e) {
        available = false;
      }
    }
    if (!available) {
      throw new InvalidArgumentException(
          "tracing needs the OpenTelemetry API (module "
              + API_MODULE
              + ", artifact io.opentelemetry:opentelemetry-api) on the module path, and read by"
              + " dev.cairn.runtime (add it to the module path, or --add-modules "
              + API_MODULE
              + ")");
    }
    return new OpenTelemetryTracer();
  }
}
