package dev.cairn.conformance.crash;

import dev.cairn.spi.Capability;
import dev.cairn.spi.EngineOptions;
import dev.cairn.spi.SpiVersion;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.StorageEngineProvider;
import dev.cairn.spi.StorageIOException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The crash suite's own small durable engines, correct and deliberately unsafe. Until Cairn's
 * durable engines land, the crash suite runs on these; the unsafe ones prove it catches what it
 * claims to.
 *
 * <p>Stateless and thread-safe.
 */
public class TestEngineProvider implements StorageEngineProvider {

  /** How a test engine stores its data. */
  public enum Kind {
    /** An append-only checksummed log ({@link LogTestEngine}). */
    LOG,
    /** The whole store rewritten to a temporary file and renamed over the old one. */
    SNAPSHOT,
    /** A checksummed data log plus a commit file holding the committed length. */
    COMMIT
  }

  /** The durability bug an unsafe test engine carries. */
  public enum Flaw {
    /** None: the engine is correct. */
    NONE,
    /** Never forces anything (LOG). */
    NO_FSYNC,
    /** Keeps BUFFERED writes in the process's memory until a flush or close (LOG). */
    USER_SPACE_BUFFER,
    /** Publishes by rename without forcing the directory (SNAPSHOT). */
    NO_DIR_SYNC,
    /** Makes the commit record durable before the data it commits (COMMIT). */
    COMMIT_BEFORE_DATA,
    /** Retries a failed force and carries on, instead of fail-stopping (LOG). */
    RETRY_FAILED_FSYNC,
    /** Replays records without checking their checksums (LOG). */
    SKIP_CHECKSUMS,
    /**
     * Skips the force of a {@code SYNC} write that carries a value of {@value
     * LogTestEngine#LARGE_VALUE} bytes or more, as a separate path for large values might (LOG).
     */
    NO_FSYNC_FOR_LARGE_VALUES,
    /**
     * Makes the writes that name no durability {@code BUFFERED}, whatever the store's default
     * (LOG).
     */
    DEFAULT_DURABILITY_IGNORED,
    /** Replays a put of the empty value as a delete (LOG). */
    EMPTY_VALUE_REPLAYED_AS_DELETE
  }

  private final Kind kind;
  private final Flaw flaw;

  /** A test engine of {@code kind} with {@code flaw}. */
  public TestEngineProvider(Kind kind, Flaw flaw) {
    this.kind = kind;
    this.flaw = flaw;
  }

  @Override
  public String name() {
    String k = kind.name().toLowerCase(Locale.ROOT);
    return flaw == Flaw.NONE
        ? "test-" + k
        : "test-" + k + "-" + flaw.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  @Override
  public String version() {
    return "1.0.0";
  }

  @Override
  public SpiVersion spiVersion() {
    return SpiVersion.CURRENT;
  }

  @Override
  public Set<Capability> capabilities() {
    Set<Capability> caps =
        EnumSet.of(
            Capability.DURABLE,
            Capability.ORDERED_SCANS,
            Capability.ATOMIC_BATCHES,
            Capability.ANY_FILE_SYSTEM);
    if (kind == Kind.LOG) {
      caps.add(Capability.CHECKPOINTS);
    }
    return caps;
  }

  @Override
  public StorageEngine open(EngineOptions options) {
    options.requireKnownSettings(name(), settings());
    return switch (kind) {
      case LOG -> LogTestEngine.open(name(), capabilities(), options, flaw);
      case SNAPSHOT -> SnapshotTestEngine.open(name(), capabilities(), options, flaw);
      case COMMIT -> CommitTestEngine.open(name(), capabilities(), options, flaw);
    };
  }

  /**
   * Creates the store's directory if it is missing and creation is asked for, forcing its parent
   * when {@code durable} so the new directory survives a power cut.
   */
  static void createDirectory(Path dir, EngineOptions options, boolean durable) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    if (!options.createIfMissing()) {
      throw new StorageIOException("no store in " + dir + " and creation was not asked for");
    }
    Files.createDirectories(dir);
    if (durable && dir.toAbsolutePath().getParent() != null) {
      StoreFiles.syncDirectory(dir.toAbsolutePath().getParent());
    }
  }

  @Override
  public String toString() {
    return name();
  }
}
