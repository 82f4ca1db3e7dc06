package dev.cairn.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The request context: binding, deadlines, and what exceptions and events take from it. */
class RequestContextTest {

  @Test
  void aBoundContextIsCurrentInsideTheCallOnlyAndNests() {
    assertEquals(Optional.empty(), RequestContext.current());
    RequestContext outer = RequestContext.of("outer");
    RequestContext inner = RequestContext.of("inner");
    String seen =
        outer.call(
            () -> {
              assertEquals("outer", RequestContext.current().orElseThrow().requestId());
              inner.run(() -> assertEquals("inner", RequestContext.currentOrNull().requestId()));
              return RequestContext.current().orElseThrow().requestId();
            });
    assertEquals("outer", seen, "the inner binding ends with its call");
    assertEquals(Optional.empty(), RequestContext.current());
  }

  @Test
  void anotherThreadSeesNoContextUnlessTheContextIsBoundThere() throws Exception {
    RequestContext c = RequestContext.of("r-1");
    AtomicReference<Optional<RequestContext>> plain = new AtomicReference<>();
    AtomicReference<Optional<RequestContext>> bound = new AtomicReference<>();
    c.run(
        () -> {
          Thread t = Thread.ofPlatform().start(() -> plain.set(RequestContext.current()));
          join(t);
          RequestContext captured = RequestContext.currentOrNull();
          Thread u =
              Thread.ofPlatform()
                  .start(() -> captured.run(() -> bound.set(RequestContext.current())));
          join(u);
        });
    assertEquals(Optional.empty(), plain.get(), "a thread started inside does not inherit it");
    assertEquals("r-1", bound.get().orElseThrow().requestId(), "background work binds it");
  }

  private static void join(Thread t) {
    try {
      t.join();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void badIdsAndTimeoutsAreRefusedNamingWhatWasWrong() {
    assertThrows(InvalidArgumentException.class, () -> RequestContext.of(null));
    assertThrows(InvalidArgumentException.class, () -> RequestContext.of(""));
    InvalidArgumentException longId =
        assertThrows(InvalidArgumentException.class, () -> RequestContext.of("x".repeat(129)));
    assertTrue(longId.getMessage().contains("at most 128"), longId.getMessage());
    InvalidArgumentException control =
        assertThrows(InvalidArgumentException.class, () -> RequestContext.of("a\nb"));
    assertTrue(control.getMessage().contains("index 1"), control.getMessage());
    RequestContext c = RequestContext.of("r");
    assertThrows(InvalidArgumentException.class, () -> c.withTimeout(Duration.ofMillis(-1)));
    assertThrows(InvalidArgumentException.class, () -> c.withTimeout(null));
    assertThrows(InvalidArgumentException.class, () -> c.withDeadline(null));
  }

  @Test
  void aPassedDeadlineFailsTheCheckNamingTheRequestAndTheOperation() {
    RequestContext past = RequestContext.of("late-1").withDeadline(Instant.now().minusSeconds(5));
    assertTrue(past.expired());
    assertTrue(past.remaining().orElseThrow().isNegative());
    DeadlineExceededException e =
        assertThrows(DeadlineExceededException.class, () -> past.checkDeadline("put"));
    assertTrue(
        e.getMessage().startsWith("put not started: the deadline of request 'late-1'"),
        e.getMessage());
    assertEquals(Optional.of("late-1"), e.requestId());

    RequestContext later = RequestContext.of("r").withTimeout(Duration.ofHours(1));
    assertFalse(later.expired());
    later.checkDeadline("put");
    RequestContext none = RequestContext.of("r");
    assertFalse(none.expired());
    assertEquals(Optional.empty(), none.remaining());
    assertEquals(Optional.empty(), none.deadline());
    RequestContext huge = RequestContext.of("r").withTimeout(Duration.ofSeconds(Long.MAX_VALUE));
    assertFalse(huge.expired(), "a timeout beyond the clock's range never expires");
  }

  @Test
  void aContextKeepsItsIdAcrossWithersAndGeneratedIdsDiffer() {
    RequestContext c =
        RequestContext.of("r-9").withSampled(true).withTimeout(Duration.ofMinutes(1));
    assertEquals("r-9", c.requestId());
    assertTrue(c.sampled());
    assertTrue(c.deadline().isPresent());
    assertNotEquals(RequestContext.generated().requestId(), RequestContext.generated().requestId());
    assertTrue(RequestContext.generated().requestId().startsWith("cairn-"));
  }

  @Test
  void storageExceptionsNameTheRequestCurrentWhereTheyWereCreated() {
    InvalidStateException outside = new InvalidStateException("x");
    assertEquals(Optional.empty(), outside.requestId());
    assertEquals("dev.cairn.spi.InvalidStateException: x", outside.toString());
    StorageException inside =
        RequestContext.of("req-42").call(() -> new StorageIOException("disk gone"));
    assertEquals(Optional.of("req-42"), inside.requestId());
    assertEquals("dev.cairn.spi.StorageIOException: disk gone [request req-42]", inside.toString());
  }

  @Test
  void eventsTakeTheCurrentRequestAndAFaultyListenerIsContained() {
    EngineEvent plain = EngineEvent.of(EngineEvent.Kind.FSYNC, 1_000, 4096, "log 7");
    assertEquals(Optional.empty(), plain.requestId());
    EngineEvent caused =
        RequestContext.of("w-1").call(() -> EngineEvent.of(EngineEvent.Kind.FLUSH, -5, 10, "m"));
    assertEquals(Optional.of("w-1"), caused.requestId());
    assertEquals(Duration.ZERO, caused.duration(), "a negative duration reads as zero");
    assertThrows(
        InvalidArgumentException.class,
        () ->
            new EngineEvent(
                EngineEvent.Kind.STALL, Duration.ofMillis(-1), 0, "", Optional.empty()));
    List<EngineEvent> got = new java.util.ArrayList<>();
    EngineEventListener faulty =
        e -> {
          got.add(e);
          throw new IllegalStateException("listener bug");
        };
    faulty.deliver(plain);
    assertEquals(List.of(plain), got, "delivered, and what it threw stayed with it");
    EngineOptions o = EngineOptions.builder().eventListener(faulty).build();
    assertEquals(faulty, o.eventListener());
    assertEquals(faulty, o.toBuilder().build().eventListener());
    assertEquals(EngineEventListener.NONE, EngineOptions.builder().build().eventListener());
    assertThrows(InvalidArgumentException.class, () -> EngineOptions.builder().eventListener(null));
  }
}
