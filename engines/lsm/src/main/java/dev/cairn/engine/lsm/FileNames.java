package dev.cairn.engine.lsm;

import java.nio.file.Path;

/**
 * The names of a store's files. Every file of the store but {@code CURRENT} carries a number from
 * one counter ({@link VersionSet#newFileNumber()}), so a name says which file came first.
 *
 * <ul>
 *   <li>{@code CURRENT}: names the live manifest ({@code docs/formats/lsm-manifest.md});
 *   <li>{@code MANIFEST-<n>}: the log of version edits;
 *   <li>{@code <n>.wal}: a write-ahead log ({@code docs/formats/lsm-wal.md});
 *   <li>{@code <n>.sst}: a table ({@code docs/formats/lsm-table.md});
 *   <li>{@code *.tmp}: an unfinished atomic replace, deleted at open.
 * </ul>
 *
 * <p>Numbers are written with at least six digits; any number of digits is read.
 */
final class FileNames {

  static final String CURRENT = "CURRENT";
  static final String MANIFEST_PREFIX = "MANIFEST-";
  static final String WAL_SUFFIX = ".wal";
  static final String TABLE_SUFFIX = ".sst";
  static final String TEMP_SUFFIX = ".tmp";

  /** What a file of the store directory is. */
  enum Kind {
    CURRENT,
    MANIFEST,
    WAL,
    TABLE,
    TEMP,
    /** Not one of ours (the lock file, the runtime's store marker): never touched. */
    OTHER
  }

  /**
   * A parsed name.
   *
   * @param kind what the file is
   * @param number its number, or -1 for {@code CURRENT}, temporary and foreign files
   */
  record Parsed(Kind kind, long number) {}

  private FileNames() {}

  static String manifest(long number) {
    return MANIFEST_PREFIX + digits(number);
  }

  static String wal(long number) {
    return digits(number) + WAL_SUFFIX;
  }

  static String table(long number) {
    return digits(number) + TABLE_SUFFIX;
  }

  static Path wal(Path dir, long number) {
    return dir.resolve(wal(number));
  }

  static Path table(Path dir, long number) {
    return dir.resolve(table(number));
  }

  static Path manifest(Path dir, long number) {
    return dir.resolve(manifest(number));
  }

  private static String digits(long number) {
    return String.format("%06d", number);
  }

  /** What the file named {@code name} is. */
  static Parsed parse(String name) {
    if (name.equals(CURRENT)) {
      return new Parsed(Kind.CURRENT, -1);
    }
    if (name.endsWith(TEMP_SUFFIX)) {
      String base = name.substring(0, name.length() - TEMP_SUFFIX.length());
      Kind of = parse(base).kind();
      return new Parsed(of == Kind.OTHER ? Kind.OTHER : Kind.TEMP, -1);
    }
    if (name.startsWith(MANIFEST_PREFIX)) {
      long n = number(name.substring(MANIFEST_PREFIX.length()));
      return n < 0 ? new Parsed(Kind.OTHER, -1) : new Parsed(Kind.MANIFEST, n);
    }
    if (name.endsWith(WAL_SUFFIX)) {
      long n = number(name.substring(0, name.length() - WAL_SUFFIX.length()));
      return n < 0 ? new Parsed(Kind.OTHER, -1) : new Parsed(Kind.WAL, n);
    }
    if (name.endsWith(TABLE_SUFFIX)) {
      long n = number(name.substring(0, name.length() - TABLE_SUFFIX.length()));
      return n < 0 ? new Parsed(Kind.OTHER, -1) : new Parsed(Kind.TABLE, n);
    }
    return new Parsed(Kind.OTHER, -1);
  }

  private static long number(String digits) {
    if (digits.isEmpty() || digits.length() > 18) {
      return -1;
    }
    for (int i = 0; i < digits.length(); i++) {
      char c = digits.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
    }
    return Long.parseLong(digits);
  }
}
