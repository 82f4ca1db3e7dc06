package dev.cairn.archrules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cairn.runtime.Cairn;
import dev.cairn.spi.StorageEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The public API of {@code spi} and {@code runtime} is the one committed in each module's {@code
 * api/} file: a signature change fails the build until the file is regenerated, {@code
 * CHANGELOG.md} names every type whose API changed since the last release under the next version,
 * and what was added since then carries {@code @since} (docs/decisions/0015-api-versioning.md).
 * Regenerate with {@code -Dcairn.api.update=true}.
 */
class ApiSurfaceTest {

  static final String UPDATE = "cairn.api.update";

  /** The release each module's {@code api/released/} baseline is, as in its file name. */
  static final String RELEASED = "1.0";

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "spi, dev.cairn.spi",
    "runtime, dev.cairn.runtime dev.cairn.runtime.transfer dev.cairn.runtime.database dev.cairn.runtime.migrate dev.cairn.runtime.shadow"
  })
  void theApiIsTheCommittedOne(String module, String packageName) throws IOException {
    List<String> actual = surface(module, packageName);
    Path file = apiFile(module);
    if (Boolean.getBoolean(UPDATE)) {
      Files.createDirectories(file.getParent());
      Files.write(file, withHeader(module, actual));
      return;
    }
    if (!Files.exists(file)) {
      fail("no API file " + file + "; create it with " + command());
    }
    List<String> committed = read(file);
    if (!committed.equals(actual)) {
      fail(
          "the public API of "
              + module
              + " differs from "
              + Repository.root().relativize(file)
              + ":\n  "
              + String.join("\n  ", diff(committed, actual))
              + "\nIf the change is meant, regenerate the file with\n  "
              + command()
              + "\nand name the change in CHANGELOG.md under the next version"
              + " (docs/decisions/0015-api-versioning.md says which version).");
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "spi, dev.cairn.spi",
    "runtime, dev.cairn.runtime dev.cairn.runtime.transfer dev.cairn.runtime.database dev.cairn.runtime.migrate dev.cairn.runtime.shadow"
  })
  void theChangelogNamesEveryTypeChangedSinceTheRelease(String module, String packageName)
      throws IOException {
    Set<String> changed = changedTypes(read(released(module)), surface(module, packageName));
    String section = nextVersionSection();
    List<String> missing = new ArrayList<>();
    for (String type : changed) {
      if (!Pattern.compile("\\b" + Pattern.quote(type) + "\\b").matcher(section).find()) {
        missing.add(type);
      }
    }
    assertTrue(
        missing.isEmpty(),
        "the API of "
            + module
            + " changed since "
            + RELEASED
            + " in "
            + missing
            + ", which CHANGELOG.md's first section (the next version) and the unreleased ones"
            + " after it do not name");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "spi, dev.cairn.spi",
    "runtime, dev.cairn.runtime dev.cairn.runtime.transfer dev.cairn.runtime.database dev.cairn.runtime.migrate dev.cairn.runtime.shadow"
  })
  void whatWasAddedSinceTheReleaseSaysSince(String module, String packageName) throws IOException {
    List<String> before = read(released(module));
    List<String> now = surface(module, packageName);
    Set<String> oldTypes = types(before);
    List<String> missing = new ArrayList<>();
    String type = null;
    for (String line : now) {
      if (!line.startsWith(" ")) {
        type = typeName(line);
        if (!oldTypes.contains(type) && !hasSince(module, packageName, type, null)) {
          missing.add(type);
        }
      } else if (oldTypes.contains(type) && !before.contains(line)) {
        String member = memberName(line);
        if (member != null && !hasSince(module, packageName, type, member)) {
          missing.add(type + "." + member);
        }
      }
    }
    assertTrue(
        missing.isEmpty(),
        "added since " + RELEASED + " without @since in its javadoc: " + missing);
  }

  @Test
  void aChangedSignatureIsFound() {
    List<String> before = List.of("public class A", "  method public void A.run()");
    List<String> after = List.of("public class A", "  method public void A.run(int)");
    assertEquals(Set.of("A"), changedTypes(before, after));
    assertEquals(
        List.of("- method public void A.run()", "+ method public void A.run(int)"),
        diff(before, after));
    assertEquals("run", memberName("  method public void A.run(int)"));
    assertEquals("A", memberName("  constructor public A(int)"));
    assertFalse(changedTypes(before, before).iterator().hasNext());
  }

  /** The API of the module's exported packages ({@code packageNames}, separated by spaces). */
  private static List<String> surface(String module, String packageNames) {
    Class<?> anchor = module.equals("spi") ? StorageEngine.class : Cairn.class;
    List<String> lines = new ArrayList<>();
    for (String p : packageNames.split(" ")) {
      lines.addAll(ApiSurface.of(anchor, p));
    }
    return lines;
  }

  private static Path apiFile(String module) {
    return Repository.root().resolve(module).resolve("api").resolve(module + ".api");
  }

  private static Path released(String module) {
    return Repository.root()
        .resolve(module)
        .resolve("api")
        .resolve("released")
        .resolve(module + "-" + RELEASED + ".api");
  }

  private static List<String> read(Path file) throws IOException {
    return Files.readAllLines(file).stream().filter(l -> !l.startsWith("#")).toList();
  }

  static List<String> diff(List<String> before, List<String> after) {
    Set<String> removed = new LinkedHashSet<>(before);
    after.forEach(removed::remove);
    Set<String> added = new LinkedHashSet<>(after);
    before.forEach(added::remove);
    List<String> diff = new ArrayList<>();
    removed.forEach(l -> diff.add("- " + l.strip()));
    added.forEach(l -> diff.add("+ " + l.strip()));
    return diff;
  }

  /** The types (as named in the file: {@code WriteBatch.Put}) with any line added or removed. */
  static Set<String> changedTypes(List<String> before, List<String> after) {
    Set<String> changed = new TreeSet<>();
    collect(before, new LinkedHashSet<>(after), changed);
    collect(after, new LinkedHashSet<>(before), changed);
    return changed;
  }

  private static void collect(List<String> lines, Set<String> other, Set<String> changed) {
    String type = null;
    for (String line : lines) {
      if (!line.startsWith(" ")) {
        type = typeName(line);
      }
      if (!other.contains(line)) {
        changed.add(type);
      }
    }
  }

  private static Set<String> types(List<String> lines) {
    Set<String> types = new TreeSet<>();
    lines.stream().filter(l -> !l.startsWith(" ")).forEach(l -> types.add(typeName(l)));
    return types;
  }

  private static final Pattern TYPE =
      Pattern.compile("\\b(?:class|interface|enum|record|@interface) ([A-Za-z0-9_.]+)");

  static String typeName(String line) {
    Matcher m = TYPE.matcher(line);
    if (!m.find()) {
      throw new IllegalStateException("not a type line: " + line);
    }
    return m.group(1).replaceAll("<.*", "");
  }

  private static final Pattern MEMBER =
      Pattern.compile("^\\s+(method|field|constructor) .*?([A-Za-z0-9_$]+)(\\(|$| =)");

  /** The simple name of a member line's member ({@code run}), null for a constructor. */
  static String memberName(String line) {
    if (line.strip().startsWith("constructor")) {
      String sig = line.substring(0, line.indexOf('('));
      sig = sig.substring(sig.lastIndexOf(' ') + 1);
      return sig.substring(sig.lastIndexOf('.') + 1);
    }
    String head = line.contains("(") ? line.substring(0, line.indexOf('(')) : line;
    head = head.contains(" = ") ? head.substring(0, head.indexOf(" = ")) : head;
    return head.substring(head.lastIndexOf('.') + 1).strip();
  }

  /**
   * Whether the javadoc of {@code type} (or, with {@code member}, of some declaration of that name
   * in the type's source file) holds {@code @since}.
   */
  private static boolean hasSince(String module, String packageNames, String type, String member)
      throws IOException {
    for (String p : packageNames.split(" ")) {
      if (hasSinceIn(module, p, type, member)) {
        return true;
      }
    }
    return false;
  }

  private static boolean hasSinceIn(String module, String packageName, String type, String member)
      throws IOException {
    String outer = type.contains(".") ? type.substring(0, type.indexOf('.')) : type;
    String simple = type.substring(type.lastIndexOf('.') + 1);
    Path source =
        Repository.root()
            .resolve(module)
            .resolve("src/main/java")
            .resolve(packageName.replace('.', '/'))
            .resolve(outer + ".java");
    if (!Files.exists(source)) {
      return false;
    }
    String text = Files.readString(source);
    String name = member == null ? simple : member;
    String declaration =
        member == null
            ? "(?:class|interface|enum|record|@interface)\\s+" + Pattern.quote(name) + "\\b"
            : "\\b" + Pattern.quote(name) + "\\s*[({=;,}]";
    Matcher m =
        Pattern.compile(
                "/\\*\\*((?:(?!\\*/).)*)\\*/\\s*(?:@\\w+(?:\\([^)]*\\))?\\s*)*[^;{}/]*?"
                    + declaration,
                Pattern.DOTALL)
            .matcher(text);
    while (m.find()) {
      if (m.group(1).contains("@since")) {
        return true;
      }
    }
    // A record component's accessor has no declaration: its @param says since when.
    Matcher param =
        Pattern.compile(
                "@param " + Pattern.quote(name) + "\\b((?:(?!\\n\\s*\\*\\s*@|\\*/).)*)",
                Pattern.DOTALL)
            .matcher(text);
    while (param.find()) {
      if (param.group(1).contains("since")) {
        return true;
      }
    }
    return false;
  }

  /**
   * The first section of CHANGELOG.md (the next version) and those after it that are still
   * unreleased ("## 1.1 — unreleased"): what changed since the release the baseline holds.
   */
  private static String nextVersionSection() throws IOException {
    String text = Files.readString(Repository.root().resolve("CHANGELOG.md"));
    int start = text.indexOf("\n## ");
    if (start < 0) {
      fail("CHANGELOG.md has no version section (## ...)");
    }
    int end = text.indexOf("\n## ", start + 1);
    while (end >= 0 && text.substring(end, text.indexOf('\n', end + 1)).contains("unreleased")) {
      end = text.indexOf("\n## ", end + 1);
    }
    return end < 0 ? text.substring(start) : text.substring(start, end);
  }

  static String command() {
    return "./mvnw -q -pl archrules -am test -D"
        + UPDATE
        + "=true -Dtest=ApiSurfaceTest -Dsurefire.failIfNoSpecifiedTests=false";
  }

  private static List<String> withHeader(String module, List<String> lines) {
    List<String> out = new ArrayList<>();
    out.add("# The public API of module " + module + ", generated by ApiSurfaceTest; do not edit.");
    out.add("# Regenerate: " + command());
    out.addAll(lines);
    return out;
  }
}
