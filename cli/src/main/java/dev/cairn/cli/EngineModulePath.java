package dev.cairn.cli;

import dev.cairn.spi.InvalidArgumentException;
import java.io.File;
import java.lang.module.Configuration;
import java.lang.module.FindException;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.lang.module.ResolutionException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Engines installed for one command from outside cairn's own module path ({@code --module-path}):
 * the modules found in the given jars and directories, resolved with service binding in a module
 * layer of their own above the layer cairn runs in.
 *
 * <p>An entry is read as {@code java --module-path} reads one: a modular jar, a plain jar (an
 * automatic module named after the file, whose providers are those its {@code
 * META-INF/services/dev.cairn.spi.StorageEngineProvider} lists), an exploded module, or a directory
 * of those. A module that cairn already has (the SPI, a library it shares with the engine) is taken
 * from cairn's layer, so the engine sees the same SPI types as the runtime.
 *
 * <p>Each module gets a class loader of its own, so that two variants of one engine in the same
 * packages can be installed side by side. Stateless.
 */
final class EngineModulePath {

  // Design. The layer is what a user's own application would build to load plugins at run time
  // (ModuleLayer's class documentation), so an engine certified this way is loaded as it will be
  // in use, not through the class path. Resolving with `after` = the user's finder lets a module
  // that cairn already has win: a second dev.cairn.spi in the new layer would define a second
  // StorageEngineProvider interface, and ServiceLoader would not see the engine as a provider.

  private EngineModulePath() {}

  /**
   * Splits {@code --module-path} values (each may hold several entries separated by {@link
   * File#pathSeparator}) into absolute paths, in order, without empty entries.
   *
   * @throws InvalidArgumentException if an entry does not exist
   */
  static List<Path> entries(List<String> values) {
    List<Path> out = new ArrayList<>();
    for (String value : values) {
      for (String e : value.split(File.pathSeparator, -1)) {
        if (e.isBlank()) {
          continue;
        }
        Path p = Path.of(e).toAbsolutePath().normalize();
        if (!Files.exists(p)) {
          throw new InvalidArgumentException("--module-path entry " + p + " does not exist");
        }
        if (!out.contains(p)) {
          out.add(p);
        }
      }
    }
    return out;
  }

  /**
   * A layer holding the modules found in {@code entries} that {@code parent} lacks, with the
   * modules they require and those that provide services they use, over {@code parent}.
   *
   * @throws InvalidArgumentException if no module is found in {@code entries}, or a module cannot
   *     be read or resolved; the message names the entry or module
   */
  static ModuleLayer layer(List<Path> entries, ModuleLayer parent) {
    ModuleFinder finder = ModuleFinder.of(entries.toArray(Path[]::new));
    Set<String> found = new TreeSet<>();
    Set<String> roots = new TreeSet<>();
    try {
      for (ModuleReference r : finder.findAll()) {
        String name = r.descriptor().name();
        found.add(name);
        if (parent.findModule(name).isEmpty()) {
          roots.add(name);
        }
      }
    } catch (FindException e) {
      throw new InvalidArgumentException(
          "cannot read the modules of --module-path " + entries + ": " + message(e), e);
    }
    if (found.isEmpty()) {
      throw new InvalidArgumentException(
          "--module-path "
              + entries
              + " holds no module (a jar, an exploded module, or a directory of those)");
    }
    try {
      Configuration cf = parent.configuration().resolveAndBind(ModuleFinder.of(), finder, roots);
      return parent.defineModulesWithManyLoaders(cf, ClassLoader.getSystemClassLoader());
    } catch (FindException | ResolutionException | LayerInstantiationException e) {
      throw new InvalidArgumentException(
          "cannot resolve the modules of --module-path " + entries + ": " + message(e), e);
    }
  }

  /** The names of the modules {@code layer} itself defines (not its parents'), sorted. */
  static Set<String> modules(ModuleLayer layer) {
    Set<String> names = new TreeSet<>();
    layer.modules().forEach(m -> names.add(m.getName()));
    return names;
  }

  /** The exception's message with its causes', which often say which file was wrong. */
  private static String message(Throwable e) {
    StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage()));
    for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
      sb.append(": ").append(c.getMessage());
    }
    return sb.toString();
  }
}
