package dev.cairn.spi;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * An engine-specific setting a provider accepts in {@link EngineOptions#settings()}, with its type
 * and the values it allows.
 *
 * <p>The SPI parses every setting's text, once, with one error format ({@link #parse(String)}); an
 * engine reads the parsed value through {@link EngineOptions#size(EngineSetting)} and its siblings.
 * Build settings with the factories ({@link #size}, {@link #duration}, {@link #integer}, {@link
 * #bool}, {@link #choice}); the three-argument constructor of SPI 1.0 makes a {@link Type#TEXT}
 * setting.
 *
 * @param name the key, lower-case dotted words ({@code "memtable.size"})
 * @param description what it controls, for {@code cairn engines} and docs
 * @param defaultValue the value used when the setting is absent, as text (null: required)
 * @param type how the text is read (since 1.1)
 * @param min the smallest value allowed, in the type's unit (bytes, milliseconds), for {@link
 *     Type#SIZE}, {@link Type#DURATION} and {@link Type#INTEGER} (since 1.1)
 * @param max the largest value allowed, likewise (since 1.1)
 * @param choices the values allowed, for {@link Type#CHOICE}; empty otherwise (since 1.1)
 */
public record EngineSetting(
    String name,
    String description,
    String defaultValue,
    Type type,
    long min,
    long max,
    List<String> choices) {

  /**
   * The standard name of a cache's size (SPI 1.1): an engine with a cache of its own (blocks,
   * pages, rows) accepts it as a {@link Type#SIZE} and holds its cache to it, so that a benchmark
   * can give every engine the same memory.
   *
   * @since 1.1
   */
  public static final String CACHE_SIZE = "cache.size";

  /**
   * How a setting's text is read.
   *
   * @since 1.1
   */
  public enum Type {
    /** Any text. */
    TEXT,
    /** A whole number, decimal. */
    INTEGER,
    /**
     * A size in bytes: a whole number with an optional unit {@code k}, {@code m}, {@code g} or
     * {@code t} (powers of 1024; {@code kb}, {@code kib}, {@code KiB} and the like too).
     */
    SIZE,
    /**
     * A duration: a whole number with a unit {@code ms}, {@code s}, {@code m}, {@code h} or {@code
     * d}, or an ISO-8601 duration ({@code PT1M}); a bare number is milliseconds.
     */
    DURATION,
    /** {@code true} or {@code false}. */
    BOOLEAN,
    /** One of the setting's {@link EngineSetting#choices()}. */
    CHOICE
  }

  /**
   * The canonical constructor, with a type and its bounds.
   *
   * @throws InvalidArgumentException if the name or description is null or blank, the bounds are
   *     reversed, or a choice setting has no choices
   * @since 1.1
   */
  public EngineSetting {
    if (name == null || !name.matches("[a-z][a-z0-9]*([.-][a-z0-9]+)*")) {
      throw new InvalidArgumentException("invalid setting name '" + name + "'");
    }
    if (description == null || description.isBlank()) {
      throw new InvalidArgumentException("setting '" + name + "' needs a description");
    }
    if (type == null) {
      throw new InvalidArgumentException("setting '" + name + "' needs a type");
    }
    if (min > max) {
      throw new InvalidArgumentException(
          "setting '" + name + "': min " + min + " is greater than max " + max);
    }
    choices = choices == null ? List.of() : List.copyOf(choices);
    if (type == Type.CHOICE && choices.isEmpty()) {
      throw new InvalidArgumentException("choice setting '" + name + "' needs choices");
    }
  }

  /** A {@link Type#TEXT} setting, as in SPI 1.0. */
  public EngineSetting(String name, String description, String defaultValue) {
    this(name, description, defaultValue, Type.TEXT, Long.MIN_VALUE, Long.MAX_VALUE, List.of());
  }

  /**
   * A size in bytes within {@code [min, max]}.
   *
   * @since 1.1
   */
  public static EngineSetting size(
      String name, String description, String defaultValue, long min, long max) {
    return checked(new EngineSetting(name, description, defaultValue, Type.SIZE, min, max, null));
  }

  /**
   * A duration within {@code [min, max]}.
   *
   * @since 1.1
   */
  public static EngineSetting duration(
      String name, String description, String defaultValue, Duration min, Duration max) {
    return checked(
        new EngineSetting(
            name, description, defaultValue, Type.DURATION, min.toMillis(), max.toMillis(), null));
  }

  /**
   * A whole number within {@code [min, max]}.
   *
   * @since 1.1
   */
  public static EngineSetting integer(
      String name, String description, String defaultValue, long min, long max) {
    return checked(
        new EngineSetting(name, description, defaultValue, Type.INTEGER, min, max, null));
  }

  /**
   * {@code true} or {@code false}.
   *
   * @since 1.1
   */
  public static EngineSetting bool(String name, String description, boolean defaultValue) {
    return checked(
        new EngineSetting(
            name, description, String.valueOf(defaultValue), Type.BOOLEAN, 0, 1, null));
  }

  /**
   * One of {@code choices}.
   *
   * @since 1.1
   */
  public static EngineSetting choice(
      String name, String description, String defaultValue, List<String> choices) {
    return checked(
        new EngineSetting(
            name, description, defaultValue, Type.CHOICE, Long.MIN_VALUE, Long.MAX_VALUE, choices));
  }

  private static EngineSetting checked(EngineSetting s) {
    if (s.defaultValue != null) {
      s.parse(s.defaultValue);
    }
    return s;
  }

  /**
   * Reads {@code text} as this setting's type: a {@link Long} (integer, size in bytes), a {@link
   * Duration}, a {@link Boolean} or a {@link String} (text, choice).
   *
   * @throws InvalidArgumentException naming the setting, the text and what it must be
   * @since 1.1
   */
  public Object parse(String text) {
    if (text == null) {
      throw invalid(null);
    }
    String t = text.trim();
    return switch (type) {
      case TEXT -> text;
      case INTEGER -> inRange(parseLong(t, text), text);
      case SIZE -> inRange(parseSize(t, text), text);
      case DURATION -> {
        Duration d = parseDuration(t, text);
        inRange(d.toMillis(), text);
        yield d;
      }
      case BOOLEAN -> {
        if (t.equalsIgnoreCase("true")) {
          yield Boolean.TRUE;
        }
        if (t.equalsIgnoreCase("false")) {
          yield Boolean.FALSE;
        }
        throw invalid(text);
      }
      case CHOICE -> {
        for (String c : choices) {
          if (c.equalsIgnoreCase(t)) {
            yield c;
          }
        }
        throw invalid(text);
      }
    };
  }

  /**
   * What the setting accepts, in words: {@code "size in [1 MiB, 1 GiB]"}, {@code "one of none,
   * lz4"}; for {@code cairn engines}, docs and error messages.
   *
   * @since 1.1
   */
  public String describeType() {
    return switch (type) {
      case TEXT -> "text";
      case BOOLEAN -> "true or false";
      case CHOICE -> "one of " + String.join(", ", choices);
      case INTEGER -> "integer" + bounds(Long::toString);
      case SIZE -> "size" + bounds(EngineSetting::bytes);
      case DURATION -> "duration" + bounds(EngineSetting::millis);
    };
  }

  private String bounds(java.util.function.LongFunction<String> format) {
    boolean lo = min != Long.MIN_VALUE && !(type != Type.INTEGER && min == 0);
    boolean hi = max != Long.MAX_VALUE;
    if (!lo && !hi) {
      return "";
    }
    if (!hi) {
      return " >= " + format.apply(min);
    }
    return " in [" + format.apply(lo ? min : 0) + ", " + format.apply(max) + "]";
  }

  private static String bytes(long n) {
    String[] units = {"", "k", "m", "g", "t"};
    int u = 0;
    while (u < units.length - 1 && n != 0 && n % 1024 == 0) {
      n /= 1024;
      u++;
    }
    return n + units[u];
  }

  private static String millis(long ms) {
    long[] sizes = {86_400_000L, 3_600_000L, 60_000L, 1000L};
    String[] units = {"d", "h", "m", "s"};
    for (int i = 0; i < sizes.length; i++) {
      if (ms != 0 && ms % sizes[i] == 0) {
        return ms / sizes[i] + units[i];
      }
    }
    return ms + "ms";
  }

  private long inRange(long value, String text) {
    if (value < min || value > max) {
      throw invalid(text);
    }
    return value;
  }

  private InvalidArgumentException invalid(String text) {
    return new InvalidArgumentException(
        "setting '" + name + "' must be " + describeType() + ", got '" + text + "'");
  }

  private long parseLong(String t, String text) {
    try {
      return Long.parseLong(t);
    } catch (NumberFormatException e) {
      throw invalid(text);
    }
  }

  private long parseSize(String t, String text) {
    String s = t.toLowerCase(Locale.ROOT);
    if (s.endsWith("ib")) {
      s = s.substring(0, s.length() - 2);
    } else if (s.endsWith("b")) {
      s = s.substring(0, s.length() - 1);
    }
    long unit = 1;
    if (!s.isEmpty()) {
      char last = s.charAt(s.length() - 1);
      int shift =
          switch (last) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            case 't' -> 40;
            default -> 0;
          };
      if (shift > 0) {
        unit = 1L << shift;
        s = s.substring(0, s.length() - 1).trim();
      }
    }
    try {
      return Math.multiplyExact(Long.parseLong(s), unit);
    } catch (NumberFormatException | ArithmeticException e) {
      throw invalid(text);
    }
  }

  private Duration parseDuration(String t, String text) {
    String s = t.toLowerCase(Locale.ROOT);
    try {
      if (s.startsWith("p")) {
        return Duration.parse(t.toUpperCase(Locale.ROOT));
      }
      int i = 0;
      while (i < s.length() && Character.isDigit(s.charAt(i))) {
        i++;
      }
      if (i == 0) {
        throw invalid(text);
      }
      long n = Long.parseLong(s.substring(0, i));
      return switch (s.substring(i).trim()) {
        case "", "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m", "min" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        case "d" -> Duration.ofDays(n);
        default -> throw invalid(text);
      };
    } catch (NumberFormatException
        | ArithmeticException
        | java.time.format.DateTimeParseException e) {
      throw invalid(text);
    }
  }
}
