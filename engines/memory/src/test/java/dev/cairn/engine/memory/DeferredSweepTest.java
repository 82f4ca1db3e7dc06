package dev.cairn.engine.memory;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * A reader that lets go while a writer holds the lock cannot sweep; the writer does it as it lets
 * go, so a keyspace dropped under that reader is released without waiting for another drop or unpin
 * (a store whose last reader closed during a write otherwise kept the dropped keyspace's data until
 * some later reader closed).
 */
class DeferredSweepTest {

  @Test
  void aReaderUnpinningDuringAWriteHasItsDroppedKeyspaceReleasedByThatWriter() throws Exception {
    Sequencer sequencer = new Sequencer();
    Catalog catalog = new Catalog(sequencer);
    Writer writer = new Writer(sequencer, catalog);
    VersionedMap k = writer.create("k");
    writer.write(k, "a".getBytes(UTF_8), "1".getBytes(UTF_8));
    long pin = sequencer.pin(); // a snapshot that still sees "k"
    writer.drop("k");
    assertEquals(2, catalog.held().size(), "the reader still sees the dropped keyspace");

    writer.underLock(
        () -> {
          // A writer holds the lock when the reader closes: the reader cannot sweep.
          Thread reader = Thread.ofPlatform().start(() -> writer.unpin(pin));
          try {
            reader.join();
          } catch (InterruptedException e) {
            throw new AssertionError(e);
          }
          assertEquals(2, catalog.held().size(), "the reader could not take the lock to sweep");
          return null;
        });
    // No other write comes: the writer swept for the reader as it let go.
    assertEquals(1, catalog.held().size(), "the dropped keyspace is released: " + catalog.held());
    assertEquals(0, sequencer.pinCount());
  }
}
