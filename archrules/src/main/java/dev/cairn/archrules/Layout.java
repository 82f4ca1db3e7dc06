package dev.cairn.archrules;

import java.util.regex.Pattern;

/**
 * Where the parts of a Cairn code base live: the root package and the packages derived from it.
 *
 * <p>Every rule in {@link CairnRules} is written against a layout rather than against literal
 * package names, so the same rule checks this repository ({@link #CAIRN}) and, in this module's own
 * tests, small fixture code bases that sit under another root. Third-party engine authors normally
 * never build a layout: {@link CairnRules#forEngine(String)} uses {@link #CAIRN}.
 *
 * <p>For a root {@code r} the parts are {@code r.spi}, {@code r.runtime}, {@code r.conformance},
 * {@code r.cli}, the engines {@code r.engine.<name>} and the engine toolkit {@code
 * r.engine.toolkit}, which is not an engine.
 *
 * <p>Immutable and thread-safe.
 *
 * @param root the root package, for example {@code "dev.cairn"}
 */
public record Layout(String root) {

  // NB: declared before CAIRN, whose construction uses it.
  private static final Pattern PACKAGE_NAME =
      Pattern.compile("[a-zA-Z_$][a-zA-Z0-9_$]*(\\.[a-zA-Z_$][a-zA-Z0-9_$]*)*");

  /** The layout of this repository, rooted at {@code dev.cairn}. */
  public static final Layout CAIRN = new Layout("dev.cairn");

  /**
   * Checks the root package name.
   *
   * @throws IllegalArgumentException if {@code root} is null or not a dotted Java package name
   */
  public Layout {
    requirePackageName(root, "root");
  }

  /** The SPI package: the engine contract. */
  public String spi() {
    return root + ".spi";
  }

  /** The runtime package: discovery and the boundary around engines. */
  public String runtime() {
    return root + ".runtime";
  }

  /** The conformance suite's package. */
  public String conformance() {
    return root + ".conformance";
  }

  /** The command-line tool's package. */
  public String cli() {
    return root + ".cli";
  }

  /** The package under which every engine has its own subpackage. */
  public String engines() {
    return root + ".engine";
  }

  /** The engine toolkit: under {@link #engines()}, but a library for engines, not an engine. */
  public String toolkit() {
    return engines() + ".toolkit";
  }

  /**
   * The name of the engine whose package holds {@code packageName}, or {@code null} when it is not
   * inside an engine (the toolkit is not an engine).
   */
  String engineOf(String packageName) {
    String prefix = engines() + ".";
    if (!packageName.startsWith(prefix)) {
      return null;
    }
    String rest = packageName.substring(prefix.length());
    int dot = rest.indexOf('.');
    String name = dot < 0 ? rest : rest.substring(0, dot);
    return toolkit().equals(prefix + name) ? null : name;
  }

  /** The ArchUnit package identifier matching {@code packageName} and its subpackages. */
  static String andBelow(String packageName) {
    return packageName + "..";
  }

  /** True when {@code packageName} is {@code base} or a package below it. */
  static boolean isAtOrBelow(String packageName, String base) {
    return packageName.equals(base) || packageName.startsWith(base + ".");
  }

  static String requirePackageName(String name, String what) {
    if (name == null || !PACKAGE_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          what + " must be a dotted Java package name such as com.example.engine, was: " + name);
    }
    return name;
  }
}
