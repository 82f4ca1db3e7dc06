package dev.cairn.archrules;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The public API of a package as lines of text, one per type and member, in the spirit of Kotlin's
 * binary compatibility validator and Android's {@code api/current.txt}: every public and protected
 * type, field (with its value when it is a compile-time constant, since callers inline those),
 * constructor and method, with generic signatures, sorted. Two builds whose surfaces are equal
 * offer callers the same signatures; a difference is a change a {@code CHANGELOG.md} entry must
 * name.
 *
 * <p>Reads classes by reflection from the directory or jar that holds {@code anchor}. Works on the
 * class path and the module path alike.
 */
public final class ApiSurface {

  private ApiSurface() {}

  /**
   * The API lines of every public type in {@code packageName}, found beside {@code anchor}.
   *
   * @throws IllegalArgumentException if the package holds no class beside the anchor
   */
  public static List<String> of(Class<?> anchor, String packageName) {
    List<String> names = classNames(anchor, packageName);
    if (names.isEmpty()) {
      throw new IllegalArgumentException(
          "no class of package " + packageName + " beside " + anchor.getName());
    }
    List<Class<?>> types = new ArrayList<>();
    for (String name : names) {
      try {
        Class<?> c = Class.forName(name, false, anchor.getClassLoader());
        if (isVisible(c)) {
          types.add(c);
        }
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException("cannot load " + name, e);
      }
    }
    types.sort(Comparator.comparing(Class::getName));
    List<String> lines = new ArrayList<>();
    for (Class<?> type : types) {
      lines.add(typeLine(type));
      lines.addAll(memberLines(type));
    }
    return lines;
  }

  /** A type is in the API when it and every type enclosing it are public or protected. */
  private static boolean isVisible(Class<?> c) {
    if (c.isSynthetic() || c.isAnonymousClass() || c.isLocalClass()) {
      return false;
    }
    for (Class<?> t = c; t != null; t = t.getEnclosingClass()) {
      int m = t.getModifiers();
      if (!Modifier.isPublic(m) && !Modifier.isProtected(m)) {
        return false;
      }
    }
    return true;
  }

  private static String typeLine(Class<?> c) {
    StringBuilder b = new StringBuilder();
    b.append(c.toGenericString().replace(c.getPackageName() + ".", ""));
    Type sup = c.getGenericSuperclass();
    if (sup != null
        && sup != Object.class
        && !c.isEnum()
        && !c.isRecord()
        && !c.isInterface()
        && sup != Record.class) {
      b.append(" extends ").append(shortName(sup.getTypeName()));
    }
    Type[] interfaces = c.getGenericInterfaces();
    if (interfaces.length > 0) {
      b.append(c.isInterface() ? " extends " : " implements ");
      b.append(
          Arrays.stream(interfaces)
              .map(t -> shortName(t.getTypeName()))
              .collect(Collectors.joining(", ")));
    }
    if (c.isSealed()) {
      b.append(" permits ")
          .append(
              Arrays.stream(c.getPermittedSubclasses())
                  .map(p -> shortName(p.getName()))
                  .sorted()
                  .collect(Collectors.joining(", ")));
    }
    if (c.isRecord()) {
      b.append(" (")
          .append(
              Arrays.stream(c.getRecordComponents())
                  .map(ApiSurface::component)
                  .collect(Collectors.joining(", ")))
          .append(")");
    }
    return shortName(b.toString());
  }

  private static String component(RecordComponent rc) {
    return shortName(rc.getGenericType().getTypeName()) + " " + rc.getName();
  }

  private static List<String> memberLines(Class<?> c) {
    Set<String> lines = new TreeSet<>();
    for (Field f : c.getDeclaredFields()) {
      if (visible(f) && !f.isSynthetic()) {
        String line = "  field " + shortName(f.toGenericString());
        if (isConstant(f)) {
          line += " = " + constant(f);
        }
        lines.add(line);
      }
    }
    for (Constructor<?> k : c.getDeclaredConstructors()) {
      if (visible(k) && !k.isSynthetic()) {
        lines.add("  constructor " + shortName(k.toGenericString()));
      }
    }
    for (Method m : c.getDeclaredMethods()) {
      if (visible(m) && !m.isSynthetic() && !m.isBridge()) {
        lines.add("  method " + shortName(m.toGenericString()));
      }
    }
    return List.copyOf(lines);
  }

  private static boolean visible(Member m) {
    int mod = m.getModifiers();
    return Modifier.isPublic(mod) || Modifier.isProtected(mod);
  }

  private static boolean isConstant(Field f) {
    int mod = f.getModifiers();
    return Modifier.isStatic(mod)
        && Modifier.isFinal(mod)
        && (f.getType().isPrimitive() || f.getType() == String.class);
  }

  private static String constant(Field f) {
    try {
      f.setAccessible(true);
      Object v = f.get(null);
      return v instanceof String s ? '"' + s + '"' : String.valueOf(v);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return "?";
    }
  }

  /** Drops package prefixes of the JDK's common packages and of the API's own, for readability. */
  private static String shortName(String text) {
    return text.replaceAll("\\bjava\\.lang\\.(?=[A-Z])", "")
        .replaceAll("\\bdev\\.cairn\\.[a-z.]*\\.(?=[A-Z])", "")
        .replaceAll("(?<=[A-Za-z0-9])\\$(?=[A-Z])", ".");
  }

  private static List<String> classNames(Class<?> anchor, String packageName) {
    Path root;
    try {
      root = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException | NullPointerException e) {
      throw new IllegalStateException("cannot locate the classes of " + anchor.getName(), e);
    }
    String dir = packageName.replace('.', '/') + "/";
    try {
      if (Files.isDirectory(root)) {
        Path pkg = root.resolve(dir);
        if (!Files.isDirectory(pkg)) {
          return List.of();
        }
        try (Stream<Path> files = Files.list(pkg)) {
          return files
              .map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".class") && !n.equals("package-info.class"))
              .map(n -> packageName + "." + n.substring(0, n.length() - ".class".length()))
              .sorted()
              .toList();
        }
      }
      try (JarFile jar = new JarFile(root.toFile())) {
        return jar.stream()
            .map(e -> e.getName())
            .filter(n -> n.startsWith(dir) && n.endsWith(".class"))
            .filter(n -> n.indexOf('/', dir.length()) < 0)
            .filter(n -> !n.endsWith("package-info.class"))
            .map(n -> n.substring(0, n.length() - ".class".length()).replace('/', '.'))
            .sorted()
            .toList();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
