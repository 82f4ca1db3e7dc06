package dev.cairn.conformance.fs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The content of a directory tree, held in memory: what a disk holds after a power cut, or a copy
 * of a store to corrupt. Paths are relative, '/'-separated.
 *
 * <p>Immutable and thread-safe; {@link #withFile} and {@link #without} return new images.
 */
public final class DiskImage {

  private final NavigableMap<String, byte[]> files;
  private final NavigableSet<String> dirs;

  DiskImage(Map<String, byte[]> files, java.util.Set<String> dirs) {
    this.files = Collections.unmodifiableNavigableMap(new TreeMap<>(files));
    this.dirs = Collections.unmodifiableNavigableSet(new TreeSet<>(dirs));
  }

  /**
   * Reads every directory and regular file beneath {@code root} (which is not itself included).
   *
   * @throws UncheckedIOException if the tree cannot be read
   */
  public static DiskImage read(Path root) {
    Map<String, byte[]> files = new TreeMap<>();
    java.util.Set<String> dirs = new TreeSet<>();
    try (Stream<Path> all = Files.walk(root)) {
      for (Iterator<Path> it = all.iterator(); it.hasNext(); ) {
        Path p = it.next();
        if (p.equals(root)) {
          continue;
        }
        String rel = relative(root, p);
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          dirs.add(rel);
        } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          files.put(rel, Files.readAllBytes(p));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the tree under " + root, e);
    }
    return new DiskImage(files, dirs);
  }

  static String relative(Path root, Path p) {
    return root.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/");
  }

  /**
   * Replaces everything beneath {@code root} with this image.
   *
   * @throws UncheckedIOException if the tree cannot be written
   */
  public void writeTo(Path root) {
    try {
      wipe(root);
      for (String d : dirs) {
        Files.createDirectories(root.resolve(d));
      }
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        Path p = root.resolve(f.getKey());
        Files.createDirectories(p.getParent());
        Files.write(p, f.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the image under " + root, e);
    }
  }

  /** Deletes everything beneath {@code root}, keeping {@code root}. */
  static void wipe(Path root) throws IOException {
    if (!Files.exists(root)) {
      Files.createDirectories(root);
      return;
    }
    List<Path> all;
    try (Stream<Path> s = Files.walk(root)) {
      all = s.sorted(Comparator.reverseOrder()).toList();
    }
    for (Path p : all) {
      if (!p.equals(root)) {
        Files.delete(p);
      }
    }
  }

  /** The files by relative path; unmodifiable (the arrays must not be modified either). */
  public NavigableMap<String, byte[]> files() {
    return files;
  }

  /** The directories by relative path; unmodifiable. */
  public NavigableSet<String> directories() {
    return dirs;
  }

  /** This image with {@code relativePath} holding {@code content} (copied). */
  public DiskImage withFile(String relativePath, byte[] content) {
    Map<String, byte[]> f = new TreeMap<>(files);
    f.put(relativePath, content.clone());
    return new DiskImage(f, dirs);
  }

  /** This image without the file {@code relativePath}. */
  public DiskImage without(String relativePath) {
    Map<String, byte[]> f = new TreeMap<>(files);
    f.remove(relativePath);
    return new DiskImage(f, dirs);
  }

  /** Total bytes of all files. */
  public long byteSize() {
    return files.values().stream().mapToLong(b -> b.length).sum();
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("DiskImage[");
    dirs.forEach(d -> sb.append(d).append("/ "));
    files.forEach((k, v) -> sb.append(k).append('(').append(v.length).append(") "));
    return sb.append(']').toString();
  }
}
