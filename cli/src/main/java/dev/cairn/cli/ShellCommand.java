package dev.cairn.cli;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Command lines a user can paste into a POSIX shell, from any directory, to run this {@code cairn}
 * again: what replay lines are made of. Stateless.
 */
final class ShellCommand {

  /**
   * The system property naming the script that started this JVM; the {@code cairn} launcher at the
   * repository root sets it to its own absolute path.
   */
  static final String LAUNCHER = "cairn.launcher";

  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

  private ShellCommand() {}

  /**
   * The command that starts this {@code cairn}: the launcher script when one started it (by its
   * absolute path); else, when this JVM was started with {@code -m dev.cairn.cli}, that {@code
   * java} command with its module path made absolute; else {@code cairn}.
   */
  static String cairn() {
    String launcher = System.getProperty(LAUNCHER);
    if (launcher != null && !launcher.isBlank()) {
      return quote(launcher);
    }
    String main = System.getProperty("jdk.module.main");
    String modulePath = System.getProperty("jdk.module.path");
    if (CairnCommand.class.getModule().getName().equals(main) && modulePath != null) {
      List<String> entries = new ArrayList<>();
      for (String e : modulePath.split(File.pathSeparator)) {
        if (!e.isBlank()) {
          entries.add(Path.of(e).toAbsolutePath().normalize().toString());
        }
      }
      return String.join(
          " ",
          quote(Path.of(System.getProperty("java.home"), "bin", "java").toString()),
          "--module-path",
          quote(String.join(File.pathSeparator, entries)),
          "--add-modules",
          "ALL-MODULE-PATH",
          "-m",
          main + "/" + Main.class.getName());
    }
    return "cairn";
  }

  /**
   * {@code word} as one shell word: unchanged when it holds only characters no shell treats
   * specially, else in single quotes.
   */
  static String quote(String word) {
    if (!word.isEmpty() && PLAIN.matcher(word).matches()) {
      return word;
    }
    return "'" + word.replace("'", "'\\''") + "'";
  }
}
