package dev.cairn.spi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

class ByteViewTest {

  @Test
  void readsUntilTheGuardMoves() {
    ViewGuard guard = new ViewGuard();
    ByteView view = ByteView.of(new byte[] {1, 2, 3}, guard);
    assertEquals(3, view.size());
    assertEquals(2, view.get(1));
    assertArrayEquals(new byte[] {1, 2, 3}, view.toArray());
    assertTrue(view.contentEquals(new byte[] {1, 2, 3}));
    guard.invalidate();
    ClosedHandleException e = assertThrows(ClosedHandleException.class, view::size);
    assertTrue(e.getMessage().contains("moved"), e.getMessage());
    assertThrows(ClosedHandleException.class, view::toArray);
  }

  @Test
  void closedGuardSaysTheCursorClosed() {
    ViewGuard guard = new ViewGuard();
    ByteView view = ByteView.of(new byte[] {1}, guard);
    guard.close();
    ClosedHandleException e = assertThrows(ClosedHandleException.class, () -> view.get(0));
    assertTrue(e.getMessage().contains("closed"), e.getMessage());
  }

  @Test
  void indexOutOfBoundsIsAnInvalidArgument() {
    ByteView view = ByteView.of(new byte[] {1}, new ViewGuard());
    assertThrows(InvalidArgumentException.class, () -> view.get(1));
    assertThrows(InvalidArgumentException.class, () -> view.get(-1));
    assertThrows(InvalidArgumentException.class, () -> view.copyTo(new byte[0], 0));
  }

  @Test
  void offHeapViewFailsAfterItsArenaCloses() {
    ViewGuard guard = new ViewGuard();
    ByteView view;
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment segment = arena.allocate(4);
      segment.set(ValueLayout.JAVA_BYTE, 0, (byte) 42);
      view = ByteView.of(segment, guard);
      assertEquals(42, view.get(0));
    }
    ByteView closed = view;
    assertThrows(IllegalStateException.class, () -> closed.get(0));
  }

  @Test
  void copyToWritesAtTheOffset() {
    byte[] target = new byte[4];
    ByteView.of(new byte[] {7, 8}, new ViewGuard()).copyTo(target, 2);
    assertArrayEquals(new byte[] {0, 0, 7, 8}, target);
  }
}
