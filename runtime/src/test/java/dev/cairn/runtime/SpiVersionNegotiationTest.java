package dev.cairn.runtime;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.EngineOptions;
import dev.cairn.spi.IncompatibleVersionException;
import dev.cairn.spi.SpiVersion;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.StorageEngineProvider;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.StringWriter;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeElement;
import java.lang.classfile.MethodModel;
import java.lang.classfile.instruction.ConstantInstruction;
import java.lang.classfile.instruction.FieldInstruction;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Version negotiation against providers really compiled against another SPI version.
 *
 * <p>Each test compiles a stand-in {@code dev.cairn.spi.SpiVersion} whose {@code MAJOR} and {@code
 * MINOR} constants are those of another SPI version, then a provider whose {@code spiVersion()}
 * returns {@code new SpiVersion(SpiVersion.MAJOR, SpiVersion.MINOR)}, against a class path with the
 * stand-in first and the real SPI after: javac inlines the stand-in's constants, as it would those
 * of an SPI jar of that version. Only the provider's class is then loaded, through a class loader
 * whose parent sees the real SPI, and found by {@link EngineRegistry#discover(ClassLoader)} from a
 * services file, as a provider jar on the class path would be.
 */
class SpiVersionNegotiationTest {

  private static final String PACKAGE = "com.example.spitest";

  @TempDir Path work;

  private final List<URLClassLoader> loaders = new ArrayList<>();

  @AfterEach
  void closeLoaders() throws IOException {
    for (URLClassLoader l : loaders) {
      l.close();
    }
  }

  @Test
  void aProviderCompiledAgainstSpi2IsRefusedByNameWithBothVersions() throws Exception {
    Compiled p = compileProvider("SpiTwoProvider", "spi-two", 2, 0);

    assertCarriesConstants(p, 2, 0);
    EngineRegistry registry = p.registry();
    IncompatibleVersionException e =
        assertThrows(IncompatibleVersionException.class, () -> registry.info("spi-two"));

    assertEquals(
        "engine 'spi-two' (com.example.spitest.SpiTwoProvider) was built against SPI 2.0,"
            + " another major version than this runtime's SPI 1.2; use a build of the engine for"
            + " SPI 1.x, or a Cairn that implements SPI 2.0",
        e.getMessage());
    assertEquals(List.of(e.getMessage()), registry.problems());
    assertTrue(registry.list().isEmpty(), "a refused provider is not listed");
    IncompatibleVersionException open =
        assertThrows(
            IncompatibleVersionException.class,
            () ->
                registry.store().engine("spi-two").meterRegistry(new SimpleMeterRegistry()).open());
    assertEquals(e.getMessage(), open.getMessage());
  }

  @Test
  void aProviderCompiledAgainstANewerMinorIsRefusedByNameWithBothVersions() throws Exception {
    Compiled p = compileProvider("SpiOneThreeProvider", "spi-one-three", 1, 3);

    assertCarriesConstants(p, 1, 3);
    EngineRegistry registry = p.registry();
    IncompatibleVersionException e =
        assertThrows(IncompatibleVersionException.class, () -> registry.provider("spi-one-three"));

    assertEquals(
        "engine 'spi-one-three' (com.example.spitest.SpiOneThreeProvider) was built against SPI"
            + " 1.3, newer than this runtime's SPI 1.2; upgrade Cairn or use a build of the engine"
            + " for SPI 1.2",
        e.getMessage());
    assertTrue(registry.list().isEmpty(), "a refused provider is not listed");
    assertThrows(IncompatibleVersionException.class, registry::requireNoProblems);
  }

  @Test
  void aProviderCompiledAgainstSpi10LoadsAndWorks() throws Exception {
    Compiled p = compileProvider("SpiOneZeroProvider", "spi-one-zero", 1, 0);

    assertCarriesConstants(p, 1, 0);
    TinyProvider engine = TinyProvider.inMemory("spi-one-zero");
    Function<EngineOptions, StorageEngine> open = engine::open;
    p.type().getField("OPEN").set(null, open);
    EngineRegistry registry = p.registry();

    assertEquals(List.of(), registry.problems());
    assertEquals(new SpiVersion(1, 0), registry.info("spi-one-zero").spiVersion());
    try (StorageEngine store =
        registry.store().engine("spi-one-zero").meterRegistry(new SimpleMeterRegistry()).open()) {
      store.put("k".getBytes(UTF_8), "v".getBytes(UTF_8));
      assertArrayEquals("v".getBytes(UTF_8), store.get("k".getBytes(UTF_8)));
    }
    assertTrue(engine.last().isClosed(), "the store opened the provider's engine and closed it");
  }

  @Test
  void theRuntimeImplementsTheSpiItWasCompiledAgainst() {
    assertEquals(new SpiVersion(1, 2), ProviderCheck.RUNTIME_SPI);
    assertEquals(SpiVersion.CURRENT, ProviderCheck.RUNTIME_SPI);
  }

  /**
   * What javap -c shows: {@code spiVersion()} pushes the stand-in's figures as constants and reads
   * no field of SpiVersion; and at run time the loaded provider reports them while the SPI present
   * says otherwise.
   */
  private static void assertCarriesConstants(Compiled p, int major, int minor) throws Exception {
    ClassModel model = ClassFile.of().parse(p.classFile());
    MethodModel method =
        model.methods().stream()
            .filter(m -> m.methodName().equalsString("spiVersion"))
            .findFirst()
            .orElseThrow();
    List<Object> constants = new ArrayList<>();
    List<String> fieldsRead = new ArrayList<>();
    for (CodeElement e : method.code().orElseThrow()) {
      if (e instanceof ConstantInstruction c) {
        constants.add(c.constantValue());
      } else if (e instanceof FieldInstruction f) {
        fieldsRead.add(f.owner().asInternalName() + "." + f.name().stringValue());
      }
    }
    assertEquals(List.of(major, minor), constants, "spiVersion() pushes the compiled-in figures");
    assertEquals(List.of(), fieldsRead, "spiVersion() reads no field at run time");

    StorageEngineProvider provider =
        (StorageEngineProvider) p.type().getConstructor().newInstance();
    assertEquals(new SpiVersion(major, minor), provider.spiVersion());
    assertSame(
        SpiVersion.class,
        p.type().getMethod("spiVersion").getReturnType(),
        "the provider runs against the real SPI");
    // Read reflectively: this test's own SpiVersion.MAJOR would be inlined too.
    int runtimeMajor = SpiVersion.class.getField("MAJOR").getInt(null);
    int runtimeMinor = SpiVersion.class.getField("MINOR").getInt(null);
    assertNotEquals(
        new SpiVersion(runtimeMajor, runtimeMinor),
        provider.spiVersion(),
        "the provider reports what it was compiled against, not the SPI present at run time");
  }

  /** A provider class compiled against a stand-in SPI version, and how to load it. */
  private record Compiled(Class<?> type, byte[] classFile, ClassLoader loader) {
    EngineRegistry registry() {
      return EngineRegistry.discover(loader);
    }
  }

  private Compiled compileProvider(String simpleName, String engineName, int major, int minor)
      throws Exception {
    Path stubSource = work.resolve("stub-src/dev/cairn/spi/SpiVersion.java");
    Files.createDirectories(stubSource.getParent());
    Files.writeString(
        stubSource,
        """
        package dev.cairn.spi;

        /** Stands in for the SpiVersion of another SPI release. */
        public record SpiVersion(int major, int minor) {
          public static final int MAJOR = %d;
          public static final int MINOR = %d;
        }
        """
            .formatted(major, minor));
    Path stubClasses = work.resolve("stub-classes");
    compile(List.of(stubSource), stubClasses, List.of());

    Path source =
        work.resolve("provider-src/" + PACKAGE.replace('.', '/') + "/" + simpleName + ".java");
    Files.createDirectories(source.getParent());
    Files.writeString(
        source,
        """
        package %s;

        import dev.cairn.spi.Capability;
        import dev.cairn.spi.EngineOptions;
        import dev.cairn.spi.InvalidArgumentException;
        import dev.cairn.spi.SpiVersion;
        import dev.cairn.spi.StorageEngine;
        import dev.cairn.spi.StorageEngineProvider;
        import java.util.EnumSet;
        import java.util.Set;
        import java.util.function.Function;

        /** A provider as an engine author writes it, built against some SPI version. */
        public final class %s implements StorageEngineProvider {
          /** How open() opens a store; set by the test that wants one. */
          public static volatile Function<EngineOptions, StorageEngine> OPEN;

          public %s() {}

          @Override public String name() { return "%s"; }
          @Override public String version() { return "1.0.0"; }
          @Override public SpiVersion spiVersion() {
            return new SpiVersion(SpiVersion.MAJOR, SpiVersion.MINOR);
          }
          @Override public Set<Capability> capabilities() {
            return EnumSet.of(Capability.ORDERED_SCANS, Capability.SNAPSHOTS,
                Capability.ATOMIC_BATCHES);
          }
          @Override public StorageEngine open(EngineOptions options) {
            if (OPEN == null) {
              throw new InvalidArgumentException("this provider opens nothing");
            }
            return OPEN.apply(options);
          }
        }
        """
            .formatted(PACKAGE, simpleName, simpleName, engineName));
    Path classes = work.resolve("provider-classes-" + simpleName);
    Path realSpi =
        Path.of(SpiVersion.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    compile(List.of(source), classes, List.of(stubClasses, realSpi));
    // NB: only the provider's class goes on the loader's path; the stand-in stays behind.
    Path services = classes.resolve("META-INF/services/" + StorageEngineProvider.class.getName());
    Files.createDirectories(services.getParent());
    Files.writeString(services, PACKAGE + "." + simpleName + "\n");
    byte[] classFile =
        Files.readAllBytes(
            classes.resolve(PACKAGE.replace('.', '/') + "/" + simpleName + ".class"));

    URLClassLoader loader =
        new URLClassLoader(
            simpleName, new URL[] {classes.toUri().toURL()}, getClass().getClassLoader());
    loaders.add(loader);
    return new Compiled(loader.loadClass(PACKAGE + "." + simpleName), classFile, loader);
  }

  private static void compile(List<Path> sources, Path out, List<Path> classPath)
      throws IOException {
    Files.createDirectories(out);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter diagnostics = new StringWriter();
    List<String> options = new ArrayList<>(List.of("-d", out.toString(), "-proc:none"));
    if (!classPath.isEmpty()) {
      options.add("-classpath");
      options.add(
          String.join(
              System.getProperty("path.separator"),
              classPath.stream().map(Path::toString).toList()));
    }
    try (StandardJavaFileManager files = javac.getStandardFileManager(null, null, UTF_8)) {
      boolean ok =
          javac
              .getTask(
                  diagnostics,
                  files,
                  null,
                  options,
                  null,
                  files.getJavaFileObjectsFromPaths(sources))
              .call();
      assertTrue(ok, "compiles:\n" + diagnostics);
    }
  }
}
