package dev.cairn.bench.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.Durability;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every peer behaves as a store: what was written is read back, in key order, after reopening. */
class PeerStoreTest {

  @TempDir Path dir;

  static Stream<Target> peers() {
    return Peers.all().stream();
  }

  static Stream<org.junit.jupiter.params.provider.Arguments> peersAndDurabilities() {
    return Peers.all().stream()
        .flatMap(
            t ->
                Stream.of(Durability.values())
                    .map(d -> org.junit.jupiter.params.provider.Arguments.of(t, d)));
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @ParameterizedTest(name = "{0} at {1}")
  @MethodSource("peersAndDurabilities")
  void writesAreReadBackAndDeletesRemove(Target peer, Durability durability) {
    try (BenchStore s = peer.opener().open(dir, StoreSpec.small(durability))) {
      s.put(b("a"), b("1"), durability);
      s.put(b("b"), b("2"), Durability.SYNC);
      s.put(b("a"), b("3"), Durability.BUFFERED);
      assertArrayEquals(b("3"), s.get(b("a")));
      assertArrayEquals(b("2"), s.get(b("b")));
      assertNull(s.get(b("c")));
      s.delete(b("b"), durability);
      assertNull(s.get(b("b")));
      s.putAll(List.of(b("x"), b("y")), List.of(b("7"), b("8")), durability);
      assertArrayEquals(b("8"), s.get(b("y")));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("peers")
  void scansInUnsignedKeyOrderFromTheStart(Target peer) {
    try (BenchStore s = peer.opener().open(dir, StoreSpec.small(Durability.BUFFERED))) {
      for (int i = 0; i < 20; i++) {
        // Keys 0x00.., 0x10.., ... 0xF0..: signed order would put the high half first.
        s.put(new byte[] {(byte) (i * 12), 1}, new byte[] {(byte) i}, Durability.BUFFERED);
      }
      assertEquals(20, s.scan(new byte[0], 100));
      assertEquals(5, s.scan(new byte[0], 5));
      // From key 15 * 12 = 180 (0xB4, negative as a signed byte) on: records 15..19 remain.
      assertEquals(5, s.scan(new byte[] {(byte) 180, 0}, 100));
      assertEquals(0, s.scan(new byte[] {(byte) 0xFF}, 100));
    }
  }

  @ParameterizedTest(name = "{0} at {1}")
  @MethodSource("peersAndDurabilities")
  void flushedWritesSurviveReopening(Target peer, Durability durability) {
    StoreSpec spec = StoreSpec.small(durability);
    byte[] value = new byte[1000];
    try (BenchStore s = peer.opener().open(dir, spec)) {
      for (int i = 0; i < 500; i++) {
        value[0] = (byte) i;
        s.put(b("key" + i), value.clone(), durability);
      }
      s.flush();
      assertTrue(s.diskBytes() >= 500_000, peer.name() + " holds " + s.diskBytes() + " bytes");
    }
    try (BenchStore s = peer.opener().open(dir, spec)) {
      assertEquals((byte) 499, s.get(b("key499"))[0]);
      assertEquals(1000, s.get(b("key7")).length);
    }
  }
}
