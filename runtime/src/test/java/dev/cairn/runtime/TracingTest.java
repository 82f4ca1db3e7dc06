package dev.cairn.runtime;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.Cursor;
import dev.cairn.spi.RequestContext;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.StorageIOException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A span per boundary operation, through an in-memory exporter. */
class TracingTest {

  private static final InMemorySpanExporter EXPORTED = InMemorySpanExporter.create();
  private static OpenTelemetrySdk sdk;

  private final TinyProvider tiny = TinyProvider.spi11("tiny");

  @BeforeAll
  static void installSdk() {
    GlobalOpenTelemetry.resetForTest();
    sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(EXPORTED))
                    .build())
            .buildAndRegisterGlobal();
  }

  @AfterAll
  static void removeSdk() {
    sdk.close();
    GlobalOpenTelemetry.resetForTest();
  }

  @BeforeEach
  void clear() {
    EXPORTED.reset();
  }

  private StorageEngine open(boolean tracing) {
    return EngineRegistry.of(List.of(tiny))
        .store()
        .engine("tiny")
        .meterRegistry(new SimpleMeterRegistry())
        .tracing(tracing)
        .open();
  }

  private static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }

  private static SpanData only(String name) {
    List<SpanData> spans =
        EXPORTED.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
    assertEquals(1, spans.size(), name + " in " + EXPORTED.getFinishedSpanItems());
    return spans.getFirst();
  }

  @Test
  void everyOperationIsASpanNamingTheEngineAndTheRequestUnderTheCallersSpan() {
    try (StorageEngine store = open(true)) {
      Span parent = GlobalOpenTelemetry.getTracer("test").spanBuilder("handler").startSpan();
      Scope scope = parent.makeCurrent();
      try {
        RequestContext.of("trace-1").withSampled(true).run(() -> store.put(b("k"), b("v")));
      } finally {
        scope.close();
        parent.end();
      }
      store.get(b("k"));
      try (Cursor c = store.cursor()) {
        while (c.next()) {
          c.key();
        }
      }
    }
    SpanData put = only("cairn put");
    assertEquals("tiny", put.getAttributes().get(OpenTelemetryTracer.ENGINE));
    assertEquals("put", put.getAttributes().get(OpenTelemetryTracer.OP));
    assertEquals("trace-1", put.getAttributes().get(OpenTelemetryTracer.REQUEST_ID));
    assertEquals(Boolean.TRUE, put.getAttributes().get(OpenTelemetryTracer.SAMPLED));
    assertEquals(
        only("handler").getSpanId(), put.getParentSpanId(), "a child of the caller's span");
    assertTrue(put.getEndEpochNanos() >= put.getStartEpochNanos());
    SpanData get = only("cairn get");
    assertNull(
        get.getAttributes().get(OpenTelemetryTracer.REQUEST_ID),
        "a read without a context gets none");
    only("cairn cursor.open");
    assertTrue(
        EXPORTED.getFinishedSpanItems().stream()
            .noneMatch(s -> s.getName().contains("cursor.next")),
        "a cursor's steps have no spans of their own");
  }

  @Test
  void aFailedOperationsSpanHasErrorStatusAndTheException() {
    try (StorageEngine store = open(true)) {
      tiny.last().faultOp = "put";
      tiny.last().faultMaker = () -> new StorageIOException("disk gone");
      assertThrows(
          StorageIOException.class,
          () -> RequestContext.of("r-fail").run(() -> store.put(b("k"), b("v"))));
    }
    SpanData put = only("cairn put");
    assertEquals(StatusCode.ERROR, put.getStatus().getStatusCode());
    assertEquals("disk gone", put.getStatus().getDescription());
    assertEquals("StorageIOException", put.getAttributes().get(OpenTelemetryTracer.EXCEPTION));
    assertEquals("r-fail", put.getAttributes().get(OpenTelemetryTracer.REQUEST_ID));
    assertEquals(1, put.getEvents().size(), "the exception is recorded: " + put.getEvents());
  }

  @Test
  void withoutTracingNoSpanIsMade() {
    try (StorageEngine store = open(false)) {
      store.put(b("k"), b("v"));
      store.get(b("k"));
    }
    assertEquals(List.of(), EXPORTED.getFinishedSpanItems());
  }
}
