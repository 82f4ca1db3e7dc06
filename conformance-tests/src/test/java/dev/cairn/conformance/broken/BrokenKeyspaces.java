package dev.cairn.conformance.broken;

import dev.cairn.conformance.reference.ReferenceProvider;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Durability;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.StorageEngineProvider;
import dev.cairn.spi.WriteBatch;
import java.util.ArrayList;
import java.util.List;

/**
 * Engines whose keyspaces break ({@code KEYSPACES}), each the reference engine with one bug: a
 * batch spanning keyspaces applied one keyspace at a time, a keyspace's deletes reaching the
 * default keyspace, a drop that deletes key by key before it drops.
 */
public final class BrokenKeyspaces {

  private BrokenKeyspaces() {}

  /**
   * A batch spanning keyspaces is written as one batch per keyspace, in the order of their names:
   * readers see part of it, and a batch naming a missing keyspace has applied the parts before it
   * when it fails. Correct for a batch on one keyspace.
   */
  public static StorageEngineProvider batchAcrossKeyspacesNotAtomic() {
    return new BrokenProvider(
        "broken-keyspace-batches",
        ReferenceProvider.inMemoryComplete(),
        o -> o,
        e ->
            new ForwardingEngine(e) {
              @Override
              public void write(WriteBatch batch, Durability durability) {
                if (batch == null || durability == null || !batch.namesOtherKeyspaces()) {
                  delegate.write(batch, durability);
                  return;
                }
                for (String ks : batch.keyspaces()) {
                  WriteBatch part = new WriteBatch();
                  for (WriteBatch.Precondition p : batch.preconditions()) {
                    if (p.keyspace().equals(ks)) {
                      if (p.expected() == null) {
                        part.requireAbsent(ks, p.key());
                      } else {
                        part.requireValue(ks, p.key(), p.expected());
                      }
                    }
                  }
                  Batches.add(part, ks, batch.operations(ks), Batches.ALL, r -> r);
                  delegate.write(part, durability);
                  Thread.yield();
                }
              }
            });
  }

  /**
   * A keyspace handle's delete also removes the key from the default keyspace, as an engine that
   * encodes the keyspace into its keys but writes the tombstone of the bare key would.
   */
  public static StorageEngineProvider deletesLeakIntoTheDefaultKeyspace() {
    return new BrokenProvider(
        "broken-keyspace-leak",
        ReferenceProvider.inMemoryComplete(),
        o -> o,
        e ->
            new ForwardingEngine(e) {
              private Keyspace leaky(Keyspace k) {
                StorageEngine store = this;
                return new ForwardingKeyspace(k, store) {
                  @Override
                  public void delete(byte[] key, Durability durability) {
                    delegate.delete(key, durability);
                    if (!name().equals(Keyspace.DEFAULT)) {
                      store.delete(key, durability);
                    }
                  }
                };
              }

              @Override
              public Keyspace keyspace(String name) {
                return leaky(delegate.keyspace(name));
              }

              @Override
              public Keyspace createKeyspace(String name) {
                return leaky(delegate.createKeyspace(name));
              }
            });
  }

  /**
   * Drops a keyspace by deleting its keys one at a time, each its own write, and only then dropping
   * it: a crash in between leaves a keyspace that is neither whole nor gone. Durable.
   */
  public static StorageEngineProvider dropDeletesKeyByKey() {
    return new BrokenProvider(
        "broken-keyspace-drop",
        ReferenceProvider.durable(),
        o -> o,
        e ->
            new ForwardingEngine(e) {
              @Override
              public void dropKeyspace(String name) {
                if (name != null && !name.equals(Keyspace.DEFAULT)) {
                  Keyspace k = delegate.keyspace(name);
                  List<byte[]> keys = new ArrayList<>();
                  try (Cursor c = k.cursor()) {
                    while (c.next()) {
                      keys.add(c.key());
                    }
                  }
                  for (byte[] key : keys) {
                    k.delete(key, Durability.BUFFERED);
                  }
                }
                delegate.dropKeyspace(name);
              }
            });
  }
}
