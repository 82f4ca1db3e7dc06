package dev.cairn.replication;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.statemachine.SnapshotRetentionPolicy;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.impl.FileListSnapshotInfo;

/**
 * A node's snapshots: each one a checkpoint of its store, in a directory {@code
 * snapshot.<term>_<index>} of the Raft storage's state-machine directory ({@code
 * <raft>/<group>/sm}).
 *
 * <p>Design. Ratis sends a snapshot to a lagging follower file by file, each named relative to the
 * state-machine directory, and on the follower replaces that whole directory with what it received
 * (adding a {@code .md5} file beside each); so the live store never lives here, and a snapshot is
 * recognised by its directory's name alone. A snapshot is written under a temporary name and
 * renamed into place, so a directory with a snapshot's name is always complete. The newest
 * snapshots are kept as the retention policy says; older ones are deleted once a newer one exists.
 * Thread-safe.
 */
final class SnapshotDirectory implements StateMachineStorage {

  static final Pattern NAME = Pattern.compile("snapshot\\.(\\d+)_(\\d+)");
  static final String MD5_SUFFIX = ".md5";

  private volatile Path directory;
  private volatile SnapshotInfo latest;

  @Override
  public void init(RaftStorage raftStorage) throws IOException {
    directory = raftStorage.getStorageDir().getStateMachineDir().toPath();
    Files.createDirectories(directory);
    latest = scan();
  }

  @Override
  public SnapshotInfo getLatestSnapshot() {
    return latest;
  }

  /** Reads the directory again: after a snapshot was installed into it, or taken. */
  SnapshotInfo refresh() throws IOException {
    latest = scan();
    return latest;
  }

  /** The state-machine directory, where snapshots live; null before {@link #init}. */
  Path directory() {
    return directory;
  }

  /**
   * The index of the newest snapshot directory there is now, -1 if none: read from the directory,
   * where an install from the leader may have put one that {@link #getLatestSnapshot()} does not
   * know of yet.
   */
  long newestIndexOnDisk() throws IOException {
    List<Path> all = snapshots();
    return all.isEmpty() ? -1 : positionOf(all.getFirst()).getIndex();
  }

  /** The directory a snapshot of {@code position} has, or would have. */
  Path pathOf(TermIndex position) {
    return directory.resolve("snapshot." + position.getTerm() + "_" + position.getIndex());
  }

  /** A fresh temporary path in the state-machine directory, for a snapshot being written. */
  Path temporaryPath(TermIndex position) {
    return directory.resolve(
        ".tmp.snapshot."
            + position.getTerm()
            + "_"
            + position.getIndex()
            + "."
            + System.nanoTime());
  }

  /** The directory of the latest snapshot, if any. */
  Optional<Path> latestPath() {
    SnapshotInfo s = latest;
    return s == null ? Optional.empty() : Optional.of(pathOf(s.getTermIndex()));
  }

  @Override
  public void format() {}

  @Override
  public void cleanupOldSnapshots(SnapshotRetentionPolicy policy) throws IOException {
    int keep = Math.max(1, policy.getNumSnapshotsRetained());
    List<Path> all = snapshots();
    for (int i = keep; i < all.size(); i++) {
      deleteTree(all.get(i));
    }
  }

  /** Snapshot directories, newest first. */
  private List<Path> snapshots() throws IOException {
    if (directory == null || !Files.isDirectory(directory)) {
      return List.of();
    }
    List<Path> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(directory)) {
      s.filter(p -> NAME.matcher(p.getFileName().toString()).matches() && Files.isDirectory(p))
          .forEach(out::add);
    }
    out.sort(Comparator.comparing(SnapshotDirectory::positionOf).reversed());
    return out;
  }

  private SnapshotInfo scan() throws IOException {
    List<Path> all = snapshots();
    if (all.isEmpty()) {
      return null;
    }
    Path newest = all.getFirst();
    List<FileInfo> files = new ArrayList<>();
    try (Stream<Path> s = Files.walk(newest)) {
      for (Path p : (Iterable<Path>) s.sorted()::iterator) {
        if (Files.isRegularFile(p) && !p.getFileName().toString().endsWith(MD5_SUFFIX)) {
          files.add(new FileInfo(p.toAbsolutePath(), null));
        }
      }
    }
    return new FileListSnapshotInfo(files, positionOf(newest));
  }

  static TermIndex positionOf(Path snapshot) {
    Matcher m = NAME.matcher(snapshot.getFileName().toString());
    if (!m.matches()) {
      throw new IllegalArgumentException("not a snapshot directory: " + snapshot);
    }
    return TermIndex.valueOf(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  @Override
  public File getSnapshotDir() {
    return null;
  }

  @Override
  public File getTmpDir() {
    return null;
  }
}
