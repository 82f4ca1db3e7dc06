package dev.cairn.runtime;

import dev.cairn.spi.RequestContext;
import dev.cairn.spi.StorageException;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import java.util.concurrent.TimeUnit;

/**
 * One OpenTelemetry span per boundary operation, named {@code cairn <op>} ({@code cairn put}), a
 * child of the caller's current span, with attributes {@code cairn.engine}, {@code cairn.op} and,
 * when a request context is bound, {@code cairn.request.id}; a failed operation's span has status
 * ERROR, {@code cairn.exception} (the SPI exception's simple name) and the exception recorded.
 * Spans are built when the operation ends, with its measured start: an engine's own spans do not
 * nest under them.
 *
 * <p>Loaded only when the API is present ({@link OperationTracer#openTelemetry()}). Uses {@link
 * GlobalOpenTelemetry}, so the application's SDK (or none: then every span is a no-op) decides what
 * is sampled and exported; a request context's {@link RequestContext#sampled() sampled} flag is an
 * attribute ({@code cairn.request.sampled}) a sampler can act on. Thread-safe.
 */
final class OpenTelemetryTracer implements OperationTracer {

  static final AttributeKey<String> ENGINE = AttributeKey.stringKey("cairn.engine");
  static final AttributeKey<String> OP = AttributeKey.stringKey("cairn.op");
  static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("cairn.request.id");
  static final AttributeKey<Boolean> SAMPLED = AttributeKey.booleanKey("cairn.request.sampled");
  static final AttributeKey<String> EXCEPTION = AttributeKey.stringKey("cairn.exception");

  /** Each operation's span name, {@code "cairn " + op.tag()}, built once rather than per span. */
  private static final String[] SPAN_NAMES = new String[Op.values().length];

  static {
    for (Op op : Op.values()) {
      SPAN_NAMES[op.ordinal()] = "cairn " + op.tag();
    }
  }

  private final Tracer tracer = GlobalOpenTelemetry.getTracer("dev.cairn.runtime");

  @Override
  public void traced(String engine, Op op, long startNanos, Throwable error) {
    long now = System.nanoTime();
    long endEpochNanos = System.currentTimeMillis() * 1_000_000L;
    long startEpochNanos = endEpochNanos - (now - startNanos);
    var builder =
        tracer
            .spanBuilder(SPAN_NAMES[op.ordinal()])
            .setSpanKind(SpanKind.INTERNAL)
            .setStartTimestamp(startEpochNanos, TimeUnit.NANOSECONDS)
            .setAttribute(ENGINE, engine)
            .setAttribute(OP, op.tag());
    RequestContext c = RequestContext.currentOrNull();
    if (c != null) {
      builder.setAttribute(REQUEST_ID, c.requestId()).setAttribute(SAMPLED, c.sampled());
    }
    Span span = builder.startSpan();
    if (error != null) {
      span.setStatus(StatusCode.ERROR, String.valueOf(error.getMessage()));
      span.setAttribute(
          EXCEPTION,
          error instanceof StorageException ? error.getClass().getSimpleName() : "non-SPI");
      span.recordException(error);
    }
    span.end(endEpochNanos, TimeUnit.NANOSECONDS);
  }
}
