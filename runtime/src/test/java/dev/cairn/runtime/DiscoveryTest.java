package dev.cairn.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.runtime.fixture.IsolatedProvider;
import dev.cairn.spi.Capability;
import dev.cairn.spi.StorageEngineProvider;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Discovery through ServiceLoader, from the class path and from a module layer.
 *
 * <p>The tests run patched into the runtime's own named module, and ServiceLoader ignores {@code
 * META-INF/services} entries naming classes of named modules. So the class-path test copies the
 * fixture's class file into a directory with a services file and loads it child-first through a
 * {@link URLClassLoader}, which puts it in that loader's unnamed module, as a jar on the class path
 * would be. The layer test defines the same class file as a module of a new {@link ModuleLayer}
 * whose descriptor {@code provides} it, as a jar on the module path would be.
 */
class DiscoveryTest {

  private static final String FIXTURE = IsolatedProvider.class.getName();
  private static final String SERVICES =
      "META-INF/services/" + StorageEngineProvider.class.getName();

  private static byte[] fixtureBytes() throws IOException {
    try (InputStream in =
        IsolatedProvider.class.getResourceAsStream(
            IsolatedProvider.class.getSimpleName() + ".class")) {
      return in.readAllBytes();
    }
  }

  private static String classFile() {
    return FIXTURE.replace('.', '/') + ".class";
  }

  /** Loads the fixture package itself, everything else from the parent: like a separate jar. */
  private static final class ChildFirstLoader extends URLClassLoader {
    ChildFirstLoader(URL url, ClassLoader parent) {
      super("isolated-classpath", new URL[] {url}, parent);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (!name.startsWith(IsolatedProvider.class.getPackageName() + ".")) {
        return super.loadClass(name, resolve);
      }
      synchronized (getClassLoadingLock(name)) {
        Class<?> c = findLoadedClass(name);
        if (c == null) {
          c = findClass(name);
        }
        if (resolve) {
          resolveClass(c);
        }
        return c;
      }
    }
  }

  private static ChildFirstLoader classPathWithFixture(Path dir) throws IOException {
    Path file = dir.resolve(classFile());
    Files.createDirectories(file.getParent());
    Files.write(file, fixtureBytes());
    Path services = dir.resolve(SERVICES);
    Files.createDirectories(services.getParent());
    Files.writeString(services, "# a comment, as real files have\n" + FIXTURE + "\n");
    return new ChildFirstLoader(dir.toUri().toURL(), DiscoveryTest.class.getClassLoader());
  }

  @Test
  void discoversAProviderListedInMetaInfServices(@TempDir Path dir) throws IOException {
    try (ChildFirstLoader loader = classPathWithFixture(dir)) {
      EngineRegistry registry = EngineRegistry.discover(loader);

      EngineInfo info = registry.info(IsolatedProvider.NAME);
      assertEquals(Set.of(Capability.ORDERED_SCANS), info.capabilities());
      Class<?> found = registry.provider(IsolatedProvider.NAME).getClass();
      assertNotSame(IsolatedProvider.class, found); // the copy, not the module's class
      assertFalse(found.getModule().isNamed());
      assertTrue(registry.problems().isEmpty(), registry.problems().toString());
    }
  }

  @Test
  void discoverWithoutArgumentsUsesTheContextClassLoader(@TempDir Path dir) throws IOException {
    Thread thread = Thread.currentThread();
    ClassLoader saved = thread.getContextClassLoader();
    try (ChildFirstLoader loader = classPathWithFixture(dir)) {
      thread.setContextClassLoader(loader);
      assertEquals("isolated", EngineRegistry.discover().info("isolated").name());
    } finally {
      thread.setContextClassLoader(saved);
    }
    assertTrue(
        EngineRegistry.discover().list().stream().noneMatch(i -> i.name().equals("isolated")));
  }

  @Test
  void aServicesEntryThatCannotBeLoadedIsAProblemNotAFailure(@TempDir Path dir) throws IOException {
    try (ChildFirstLoader loader = classPathWithFixture(dir)) {
      Files.writeString(
          dir.resolve(SERVICES), "com.example.Missing\n" + FIXTURE + "\n", StandardCharsets.UTF_8);

      EngineRegistry registry = EngineRegistry.discover(loader);

      assertEquals(1, registry.problems().size());
      assertTrue(registry.problems().getFirst().contains("com.example.Missing"));
      assertEquals("isolated", registry.list().getFirst().name());
    }
  }

  /** A module "cairn.fixture.isolated" holding only the fixture class, read from memory. */
  private static ModuleFinder fixtureModule() throws IOException {
    byte[] bytes = fixtureBytes();
    ModuleDescriptor descriptor =
        ModuleDescriptor.newModule("cairn.fixture.isolated")
            .requires("dev.cairn.spi")
            .packages(Set.of(IsolatedProvider.class.getPackageName()))
            .provides(StorageEngineProvider.class.getName(), List.of(FIXTURE))
            .build();
    ModuleReader reader =
        new ModuleReader() {
          @Override
          public Optional<URI> find(String name) {
            return Optional.empty();
          }

          @Override
          public Optional<InputStream> open(String name) {
            return name.equals(classFile())
                ? Optional.of(new ByteArrayInputStream(bytes))
                : Optional.empty();
          }

          @Override
          public Stream<String> list() {
            return Stream.of(classFile());
          }

          @Override
          public void close() {}
        };
    ModuleReference reference =
        new ModuleReference(descriptor, null) {
          @Override
          public ModuleReader open() {
            return reader;
          }
        };
    return new ModuleFinder() {
      @Override
      public Optional<ModuleReference> find(String name) {
        return name.equals(descriptor.name()) ? Optional.of(reference) : Optional.empty();
      }

      @Override
      public Set<ModuleReference> findAll() {
        return Set.of(reference);
      }
    };
  }

  @Test
  void discoversAProviderOfAModuleLayer() throws IOException {
    ModuleLayer boot = ModuleLayer.boot();
    Configuration configuration =
        boot.configuration()
            .resolve(fixtureModule(), ModuleFinder.of(), Set.of("cairn.fixture.isolated"));
    ModuleLayer layer =
        boot.defineModulesWithOneLoader(configuration, ClassLoader.getSystemClassLoader());

    EngineRegistry registry = EngineRegistry.discover(layer);

    Class<?> found = registry.provider(IsolatedProvider.NAME).getClass();
    assertEquals("cairn.fixture.isolated", found.getModule().getName());
    assertEquals("1.0", registry.info(IsolatedProvider.NAME).version());
    // The boot layer alone does not have it.
    assertNull(
        EngineRegistry.discover(boot).list().stream()
            .filter(i -> i.name().equals(IsolatedProvider.NAME))
            .findAny()
            .orElse(null));
  }
}
