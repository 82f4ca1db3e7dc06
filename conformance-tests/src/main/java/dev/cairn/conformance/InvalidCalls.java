package dev.cairn.conformance;

import static dev.cairn.conformance.Bytes.b;

import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.Durability;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Limits;
import dev.cairn.spi.StorageEngine;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;

/**
 * Calls with a bad argument, each of which must throw {@code InvalidArgumentException} and change
 * nothing: used both through the runtime and straight on the engine. Stateless.
 */
final class InvalidCalls {

  private InvalidCalls() {}

  private static final byte[] TOO_LONG = new byte[Limits.MAX_KEY_SIZE + 1];

  static Stream<Named<Consumer<StorageEngine>>> calls() {
    return Stream.of(
        Named.of("get(null)", e -> e.get(null)),
        Named.of("get(key too long)", e -> e.get(TOO_LONG)),
        Named.of("put(null key)", e -> e.put(null, b("v"))),
        Named.of("put(null value)", e -> e.put(b("k"), null)),
        Named.of("put(key too long)", e -> e.put(TOO_LONG, b("v"))),
        Named.of("put(value too long)", e -> e.put(b("k"), new byte[Limits.MAX_VALUE_SIZE + 1])),
        Named.of("put(null durability)", e -> e.put(b("k"), b("v"), null)),
        Named.of("delete(null)", e -> e.delete(null)),
        Named.of("delete(key too long)", e -> e.delete(TOO_LONG)),
        Named.of("delete(null durability)", e -> e.delete(b("k"), (Durability) null)),
        Named.of("write(null batch)", e -> e.write(null)),
        Named.of("cursor(null range)", e -> e.cursor(null, Direction.FORWARD).close()),
        Named.of("cursor(null direction)", e -> e.cursor(KeyRange.all(), null).close()),
        Named.of(
            "seek(null)",
            e -> {
              try (Cursor c = e.cursor()) {
                c.seek(null);
              }
            }),
        Named.of(
            "seek(key too long)",
            e -> {
              try (Cursor c = e.cursor()) {
                c.seek(TOO_LONG);
              }
            }));
  }
}
