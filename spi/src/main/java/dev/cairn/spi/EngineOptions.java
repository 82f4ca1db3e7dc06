package dev.cairn.spi;

import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What an engine is opened with: a directory, how to open it, the default durability, and
 * engine-specific settings.
 *
 * <p>Immutable; build with {@link #builder()}. The directory may be on any {@link
 * java.nio.file.FileSystem}; an engine does all its file I/O beneath it, through it. An engine that
 * declares {@link Capability#DURABLE} requires a directory; an in-memory engine ignores one.
 */
public final class EngineOptions {

  private final Path directory;
  private final boolean createIfMissing;
  private final boolean readOnly;
  private final Durability defaultDurability;
  private final Map<String, String> settings;
  private final EngineEventListener eventListener;

  private EngineOptions(Builder b) {
    this.directory = b.directory;
    this.createIfMissing = b.createIfMissing;
    this.readOnly = b.readOnly;
    this.defaultDurability = b.defaultDurability;
    this.settings = Map.copyOf(b.settings);
    this.eventListener = b.eventListener;
  }

  /** A builder with no directory, create-if-missing, read-write, {@link Durability#SYNC}. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these options. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.directory = directory;
    b.createIfMissing = createIfMissing;
    b.readOnly = readOnly;
    b.defaultDurability = defaultDurability;
    b.settings.putAll(settings);
    b.eventListener = eventListener;
    return b;
  }

  /**
   * Where the engine reports its {@link EngineEvent}s (through {@link
   * EngineEventListener#deliver}); {@link EngineEventListener#NONE} unless one was given.
   *
   * @since 1.2
   */
  public EngineEventListener eventListener() {
    return eventListener;
  }

  /** The store's directory, if one was given. */
  public Optional<Path> directory() {
    return Optional.ofNullable(directory);
  }

  /**
   * The store's directory.
   *
   * @throws InvalidArgumentException naming {@code engine} when no directory was given
   */
  public Path requireDirectory(String engine) {
    if (directory == null) {
      throw new InvalidArgumentException("engine '" + engine + "' needs a directory");
    }
    return directory;
  }

  /** Whether a missing store is created (true) or is an error (false). */
  public boolean createIfMissing() {
    return createIfMissing;
  }

  /** Whether the store is opened read-only: every write throws {@link ReadOnlyStoreException}. */
  public boolean readOnly() {
    return readOnly;
  }

  /** The durability of writes that do not name one. */
  public Durability defaultDurability() {
    return defaultDurability;
  }

  /** Engine-specific settings by name. */
  public Map<String, String> settings() {
    return settings;
  }

  /**
   * Rejects any setting not in {@code known}, and (SPI 1.1) any value its setting does not accept.
   *
   * @throws InvalidArgumentException naming the unknown settings and listing the known ones, or
   *     naming the setting whose value is invalid and what it must be
   */
  public void requireKnownSettings(String engine, Collection<EngineSetting> known) {
    Set<String> names = new TreeSet<>();
    known.forEach(s -> names.add(s.name()));
    Set<String> unknown = new TreeSet<>(settings.keySet());
    unknown.removeAll(names);
    if (!unknown.isEmpty()) {
      throw new InvalidArgumentException(
          "unknown setting"
              + (unknown.size() > 1 ? "s " : " ")
              + unknown
              + " for engine '"
              + engine
              + "'; known: "
              + (names.isEmpty() ? "none" : names));
    }
    for (EngineSetting s : known) {
      String v = settings.get(s.name());
      if (v != null) {
        s.parse(v);
      }
    }
  }

  /**
   * The value of setting {@code s} (or its default) read as its type: see {@link
   * EngineSetting#parse(String)}.
   *
   * @throws InvalidArgumentException if the value is missing or invalid, naming the setting
   * @since 1.1
   */
  public Object value(EngineSetting s) {
    return s.parse(setting(s));
  }

  /**
   * The value of the {@link EngineSetting.Type#SIZE} setting {@code s}, in bytes.
   *
   * @throws InvalidArgumentException if the value is missing or invalid, or {@code s} is not a size
   * @since 1.1
   */
  public long size(EngineSetting s) {
    return (Long) typed(s, EngineSetting.Type.SIZE);
  }

  /**
   * The value of the {@link EngineSetting.Type#INTEGER} setting {@code s}.
   *
   * @throws InvalidArgumentException if the value is missing or invalid, or {@code s} is not an
   *     integer
   * @since 1.1
   */
  public long integer(EngineSetting s) {
    return (Long) typed(s, EngineSetting.Type.INTEGER);
  }

  /**
   * The value of the {@link EngineSetting.Type#DURATION} setting {@code s}.
   *
   * @throws InvalidArgumentException if the value is missing or invalid, or {@code s} is not a
   *     duration
   * @since 1.1
   */
  public java.time.Duration duration(EngineSetting s) {
    return (java.time.Duration) typed(s, EngineSetting.Type.DURATION);
  }

  /**
   * The value of the {@link EngineSetting.Type#BOOLEAN} setting {@code s}.
   *
   * @throws InvalidArgumentException if the value is missing or invalid, or {@code s} is not a
   *     boolean
   * @since 1.1
   */
  public boolean bool(EngineSetting s) {
    return (Boolean) typed(s, EngineSetting.Type.BOOLEAN);
  }

  /**
   * The value of the {@link EngineSetting.Type#CHOICE} setting {@code s}, spelt as in its choices.
   *
   * @throws InvalidArgumentException if the value is missing or invalid, or {@code s} is not a
   *     choice
   * @since 1.1
   */
  public String choice(EngineSetting s) {
    return (String) typed(s, EngineSetting.Type.CHOICE);
  }

  private Object typed(EngineSetting s, EngineSetting.Type type) {
    if (s.type() != type) {
      throw new InvalidArgumentException(
          "setting '" + s.name() + "' is a " + s.type() + " setting, not " + type);
    }
    return value(s);
  }

  /**
   * The value of setting {@code s}, or its default.
   *
   * @throws InvalidArgumentException if the setting has no value and no default
   */
  public String setting(EngineSetting s) {
    String v = settings.getOrDefault(s.name(), s.defaultValue());
    if (v == null) {
      throw new InvalidArgumentException("setting '" + s.name() + "' is required");
    }
    return v;
  }

  /**
   * The value of setting {@code s} as a long within {@code [min, max]}; sizes accept the suffixes
   * {@code k}, {@code m} and {@code g} (powers of 1024).
   *
   * @throws InvalidArgumentException naming the setting when the value is not such a number
   */
  public long longSetting(EngineSetting s, long min, long max) {
    String text = setting(s).trim().toLowerCase(java.util.Locale.ROOT);
    long unit = 1;
    if (text.endsWith("k") || text.endsWith("m") || text.endsWith("g")) {
      unit =
          switch (text.charAt(text.length() - 1)) {
            case 'k' -> 1024L;
            case 'm' -> 1024L * 1024;
            default -> 1024L * 1024 * 1024;
          };
      text = text.substring(0, text.length() - 1);
    }
    long value;
    try {
      value = Math.multiplyExact(Long.parseLong(text), unit);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new InvalidArgumentException(
          "setting '" + s.name() + "' must be a number, got '" + setting(s) + "'", e);
    }
    if (value < min || value > max) {
      throw new InvalidArgumentException(
          "setting '" + s.name() + "' must be in [" + min + ", " + max + "], got " + value);
    }
    return value;
  }

  @Override
  public String toString() {
    return "EngineOptions[directory="
        + directory
        + ", createIfMissing="
        + createIfMissing
        + ", readOnly="
        + readOnly
        + ", defaultDurability="
        + defaultDurability
        + ", settings="
        + settings
        + "]";
  }

  /** Builds {@link EngineOptions}. Not thread-safe. */
  public static final class Builder {
    private Path directory;
    private boolean createIfMissing = true;
    private boolean readOnly;
    private Durability defaultDurability = Durability.SYNC;
    private final Map<String, String> settings = new LinkedHashMap<>();
    private EngineEventListener eventListener = EngineEventListener.NONE;

    private Builder() {}

    /**
     * Where the engine reports its events; default {@link EngineEventListener#NONE}.
     *
     * @throws InvalidArgumentException if {@code listener} is null
     * @since 1.2
     */
    public Builder eventListener(EngineEventListener listener) {
      if (listener == null) {
        throw new InvalidArgumentException("event listener is null");
      }
      this.eventListener = listener;
      return this;
    }

    /** The store's directory, on any file system. */
    public Builder directory(Path directory) {
      if (directory == null) {
        throw new InvalidArgumentException("directory is null");
      }
      this.directory = directory;
      return this;
    }

    /** Whether a missing store is created; default true. */
    public Builder createIfMissing(boolean create) {
      this.createIfMissing = create;
      return this;
    }

    /** Whether the store is opened read-only; default false. */
    public Builder readOnly(boolean readOnly) {
      this.readOnly = readOnly;
      return this;
    }

    /** The durability of writes that do not name one; default {@link Durability#SYNC}. */
    public Builder defaultDurability(Durability durability) {
      if (durability == null) {
        throw new InvalidArgumentException("durability is null");
      }
      this.defaultDurability = durability;
      return this;
    }

    /** Sets an engine-specific setting; the engine rejects names it does not know. */
    public Builder setting(String name, String value) {
      if (name == null || value == null) {
        throw new InvalidArgumentException("setting name and value are required");
      }
      settings.put(name, value);
      return this;
    }

    /** Sets several engine-specific settings. */
    public Builder settings(Map<String, String> more) {
      more.forEach(this::setting);
      return this;
    }

    /** Builds the options. A read-only open never creates: read-only implies no create. */
    public EngineOptions build() {
      if (readOnly) {
        createIfMissing = false;
      }
      return new EngineOptions(this);
    }
  }
}
