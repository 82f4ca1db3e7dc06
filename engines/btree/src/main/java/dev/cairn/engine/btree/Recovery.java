package dev.cairn.engine.btree;

import dev.cairn.engine.btree.Node.Child;
import dev.cairn.engine.toolkit.SyncedFiles;
import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.IncompatibleVersionException;
import dev.cairn.spi.StorageIOException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Opening the data file: creating a new one, choosing the meta to open at, and checking that what
 * it references reached the disk.
 *
 * <p><b>Choosing the meta.</b> Both slots are read; a slot that fails its checksum (a torn or
 * unwritten meta) is skipped. The valid meta with the highest txid is tried first, the other next.
 * A meta is accepted when the pages it references that were written after its {@link
 * Meta#syncedThrough()} (those a power cut may have lost: {@code BUFFERED} commits, or the pages of
 * a commit whose meta reached the disk without them) read back intact, with the id, txid and
 * checksum their references expect. Copy-on-write makes those pages a connected top of each tree (a
 * page is rewritten whenever a page below it is), so the walk reads only them. The slot the writer
 * never overwrites until the other is durable always holds a meta whose pages are all on disk, so
 * one of the two is accepted unless the file is damaged, which is reported, never repaired.
 *
 * <p><b>Creating.</b> A new file is written beside its final name, forced, and renamed into place
 * (with the directory forced), so a crash during creation leaves no half-made store.
 */
final class Recovery {

  private Recovery() {}

  /** What an open found. */
  record Opened(
      PageFile file,
      Version version,
      Freelist freelist,
      List<Long> chainPages,
      long nextTxid,
      List<String> notes,
      boolean fellBack) {

    /** The meta opened at, for people: its transaction and slot, and whether it was a fallback. */
    String describe() {
      return "opened at the meta of transaction "
          + version.txid()
          + " in slot "
          + version.slot
          + (fellBack ? ", falling back from the meta in slot " + (1 - version.slot) : "")
          + (notes.isEmpty() ? "" : " (" + String.join("; ", notes) + ")");
    }
  }

  /** The path of the data file in {@code dir}. */
  static Path dataFile(Path dir) {
    return dir.resolve(PageFile.NAME);
  }

  /**
   * Creates an empty store's data file with pages of {@code pageSize}.
   *
   * @throws StorageIOException if a step fails
   */
  static void create(Path dir, int pageSize) {
    Path target = dataFile(dir);
    Path temp = dir.resolve(PageFile.NAME + ".new");
    Layout layout = new Layout(pageSize);
    try (FileChannel ch =
        FileChannel.open(
            temp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      Meta meta =
          new Meta(
              1,
              FormatVersion.CURRENT.number(),
              pageSize,
              Meta.SLOTS,
              1,
              Meta.INLINE,
              Meta.INLINE,
              0,
              0,
              Catalog.initial().encode(),
              new Freelist().encode());
      write(ch, 0, meta.encode(0));
      write(ch, layout.offset(1), meta.encode(1));
      // The file holds whole pages: slot 1's page is written to its end.
      write(ch, layout.offset(2) - 1, new byte[1]);
      ch.force(true);
    } catch (IOException e) {
      throw new StorageIOException(temp + ": cannot create the data file", e);
    }
    SyncedFiles.publish(temp, target);
  }

  private static void write(FileChannel ch, long offset, byte[] bytes) throws IOException {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
    while (b.hasRemaining()) {
      ch.write(b, offset + b.position());
    }
  }

  /**
   * Reads the metas of {@code file} and opens at the newest one whose recent pages are intact.
   *
   * @throws CorruptionException if neither meta can be opened at
   * @throws IncompatibleVersionException if the file is in a format this engine does not read
   */
  static Opened open(PageFile file) {
    String where = file.path().toString();
    List<String> notes = new ArrayList<>();
    Meta[] metas = readMetas(file, notes);
    if (metas[0] == null && metas[1] == null) {
      throw new CorruptionException(
          where + ": no valid meta page (" + String.join("; ", notes) + ")");
    }
    for (Meta m : metas) {
      if (m != null) {
        FormatVersion.of(m.formatVersion(), where);
        if (!PageFormat.validPageSize(m.pageSize())) {
          throw new CorruptionException(where + ": the meta names page size " + m.pageSize());
        }
      }
    }
    if (metas[0] != null && metas[1] != null && metas[0].pageSize() != metas[1].pageSize()) {
      throw new CorruptionException(where + ": the two metas disagree on the page size");
    }
    int first = metas[1] != null && (metas[0] == null || metas[1].txid() > metas[0].txid()) ? 1 : 0;
    long maxTxid = Math.max(txid(metas[0]), txid(metas[1]));
    List<String> rejected = new ArrayList<>();
    for (int slot : new int[] {first, 1 - first}) {
      Meta m = metas[slot];
      if (m == null) {
        continue;
      }
      // NB: verifies past any cache: what an open reads comes from the file.
      Pager pager =
          new Pager(file, new PageCache(0, m.pageSize(), where), new Layout(m.pageSize()));
      try {
        Opened o = openAt(file, pager, m, slot, maxTxid, notes);
        if (!rejected.isEmpty()) {
          notes.add(
              "opened at the meta of transaction "
                  + m.txid()
                  + "; a newer one was not wholly on disk: "
                  + String.join("; ", rejected));
        }
        // A store always holds two valid metas: opening at one but the newer, or beside a torn
        // one, is a fallback from the other slot.
        if (!rejected.isEmpty() || metas[1 - slot] == null) {
          return new Opened(
              o.file(), o.version(), o.freelist(), o.chainPages(), o.nextTxid(), notes, true);
        }
        return o;
      } catch (CorruptionException e) {
        rejected.add(
            "meta of transaction " + m.txid() + " in slot " + slot + ": " + e.getMessage());
      }
    }
    throw new CorruptionException(
        where + ": no meta can be opened at: " + String.join("; ", rejected));
  }

  private static long txid(Meta m) {
    return m == null ? 0 : m.txid();
  }

  private static Meta[] readMetas(PageFile file, List<String> notes) {
    Meta[] metas = new Meta[2];
    StringBuilder why = new StringBuilder();
    metas[0] = readSlot(file, 0, 0, why);
    if (metas[0] != null) {
      metas[1] = readSlot(file, 1, metas[0].pageSize(), why);
      if (metas[1] != null && metas[1].pageSize() != metas[0].pageSize()) {
        metas[1] = null;
      }
    } else {
      // NB: the page size is in the torn meta: look for slot 1 at every size a store may have.
      for (int size = PageFormat.MIN_PAGE_SIZE; size <= PageFormat.MAX_PAGE_SIZE; size *= 2) {
        StringBuilder ignored = new StringBuilder();
        Meta m = readSlot(file, 1, size, ignored);
        if (m != null && m.pageSize() == size) {
          metas[1] = m;
          break;
        }
      }
      if (metas[1] == null) {
        why.append("; no valid meta in slot 1 at any page size");
      }
    }
    if (!why.isEmpty()) {
      notes.add(why.toString());
    }
    return metas;
  }

  private static Meta readSlot(PageFile file, int slot, long offset, StringBuilder why) {
    if (file.size() < offset + Meta.LENGTH) {
      why.append(why.isEmpty() ? "" : "; ").append("slot ").append(slot).append(" is missing");
      return null;
    }
    byte[] bytes =
        file.read(offset, (int) Math.min(PageFormat.MAX_PAGE_SIZE, file.size() - offset));
    if (!why.isEmpty()) {
      why.append("; ");
    }
    int before = why.length();
    Meta m = Meta.decode(bytes, slot, why);
    if (m != null && why.length() > before) {
      why.setLength(before);
    }
    return m;
  }

  private static Opened openAt(
      PageFile file, Pager pager, Meta m, int slot, long maxTxid, List<String> notes) {
    String where = pager.where();
    if (m.highWater() < Meta.SLOTS) {
      throw new CorruptionException(where + ": high-water mark " + m.highWater());
    }
    List<Long> chains = m.chainPages(pager);
    Catalog catalog = Catalog.decode(m.catalogBytes(pager), where);
    long[] free = Freelist.decode(m.freelistBytes(pager), m.highWater(), where);
    for (Catalog.Root r : catalog.roots().values()) {
      if (!r.empty() && r.txid() > m.syncedThrough()) {
        verifyRecent(pager, new Child(r.pageId(), r.txid(), null), m.syncedThrough(), m.txid());
      }
    }
    Version v = new Version(m, catalog, slot);
    return new Opened(
        file, v, Freelist.of(free), chains, Math.max(maxTxid, m.txid()) + 1, notes, false);
  }

  /** Reads and checks every page below {@code c} written after {@code synced}. */
  private static void verifyRecent(Pager pager, Child c, long synced, long parentTxid) {
    if (c.txid() > parentTxid) {
      throw new CorruptionException(
          pager.where() + ": page " + c.pageId() + " is referenced as newer than its parent");
    }
    Node n = pager.readNode(c.pageId(), c.txid());
    for (BlobRef r : n.blobs()) {
      if (r.txid() > synced) {
        Blobs.pages(r, PageFormat.OVERFLOW, pager, pager.layout(), pager.where());
      }
    }
    if (!n.leaf) {
      for (Child child : n.children) {
        if (child.txid() > synced) {
          verifyRecent(pager, child, synced, c.txid());
        }
      }
    }
  }

  /** True when {@code dir} holds a data file. */
  static boolean exists(Path dir) {
    return Files.exists(dataFile(dir));
  }
}
