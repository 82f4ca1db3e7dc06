package dev.cairn.engine.hash;

import dev.cairn.spi.ConflictException;
import dev.cairn.spi.StorageException;
import dev.cairn.spi.WriteBatch;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks the preconditions of conditional batches ({@code CONDITIONAL_WRITES}) for the leading
 * writer, against the state the batch would be applied to.
 *
 * <p>Design: the leader is the one thread that orders appends and index updates, so a check it
 * makes before appending a request cannot be overtaken by another write (RocksDB's optimistic
 * transactions validate in their write group's leader for the same reason). The state a request of
 * a group finds is the index, which holds every earlier group (applied before that group's leader
 * let go, and so every write acknowledged, synced or not), overlaid with what the group's earlier
 * requests appended: those reach the index only when the whole group is applied. The overlay is
 * built only when a group holds a conditional request, from the requests appended before it, and
 * grows from there; a group without preconditions pays one list append per request.
 *
 * <p>Not thread-safe: used by the thread holding the lead only.
 */
final class GroupConditions {

  /** Marks a key the group deleted, in {@link #overlay}. */
  private static final byte[] DELETED = new byte[0];

  private final IndexState state;

  /** Requests of the current group appended so far, while {@link #overlay} is not built. */
  private final List<LogWriter.Request> appended = new ArrayList<>();

  /** Key to the value the current group last wrote ({@link #DELETED}: deleted); or null. */
  private Map<ByteBuffer, byte[]> overlay;

  GroupConditions(IndexState state) {
    this.state = state;
  }

  /** A new group begins. */
  void clear() {
    appended.clear();
    overlay = null;
  }

  /** {@code r} was appended to the group: later requests of the group see its writes. */
  void appended(LogWriter.Request r) {
    if (overlay == null) {
      appended.add(r);
    } else {
      add(r);
    }
  }

  /**
   * Checks the preconditions of {@code r}, which is not appended yet.
   *
   * @return null when they all hold, else why the request is refused: {@link ConflictException} for
   *     the first that fails, or the {@link StorageException} that reading the state threw (the
   *     request alone fails; nothing was written)
   */
  RuntimeException check(LogWriter.Request r) {
    if (overlay == null) {
      overlay = new HashMap<>();
      appended.forEach(this::add);
      appended.clear();
    }
    try {
      for (WriteBatch.Precondition p : r.preconditions) {
        byte[] current = current(p.key());
        boolean holds =
            p.expected() == null ? current == null : Arrays.equals(current, p.expected());
        if (!holds) {
          return ConflictException.of(p);
        }
      }
      return null;
    } catch (StorageException e) {
      return e;
    }
  }

  private void add(LogWriter.Request r) {
    for (LogWriter.Op op : r.ops) {
      overlay.put(ByteBuffer.wrap(op.key()), op.value() == null ? DELETED : op.value());
    }
  }

  /** The key's value in the state the request would be applied to, or null when absent. */
  private byte[] current(byte[] key) {
    byte[] pending = overlay.get(ByteBuffer.wrap(key));
    if (pending != null) {
      return pending == DELETED ? null : pending;
    }
    return state.get(key);
  }
}
