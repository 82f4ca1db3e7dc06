package dev.cairn.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.Capability;
import dev.cairn.spi.ContractViolationException;
import dev.cairn.spi.EngineNotFoundException;
import dev.cairn.spi.IncompatibleVersionException;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.SpiVersion;
import dev.cairn.spi.StorageException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EngineRegistryTest {

  @Test
  void listsEnginesSortedByNameWithWhatTheySay() {
    TinyProvider b = TinyProvider.durable("bravo");
    EngineRegistry registry =
        EngineRegistry.of(
            List.of(b, TinyProvider.inMemory("alpha"), StubProvider.named("charlie")));

    assertEquals(
        List.of("alpha", "bravo", "charlie"),
        registry.list().stream().map(EngineInfo::name).toList());
    EngineInfo info = registry.info("bravo");
    assertEquals("0.0.1", info.version());
    assertEquals(SpiVersion.CURRENT, info.spiVersion());
    assertEquals(Set.of(Capability.values()), info.capabilities());
    assertEquals(
        List.of(TinyProvider.FLAG, TinyProvider.CACHE, TinyProvider.INTERVAL), info.settings());
    assertEquals("a TreeMap, for tests", info.description());
    assertSame(b, registry.provider("bravo"));
    assertTrue(registry.problems().isEmpty());
    assertSame(registry, registry.requireNoProblems());
  }

  @Test
  void unknownNameListsTheKnownOnes() {
    EngineRegistry registry =
        EngineRegistry.of(List.of(TinyProvider.durable("lsm"), TinyProvider.durable("hash")));

    EngineNotFoundException e =
        assertThrows(EngineNotFoundException.class, () -> registry.provider("btree"));

    assertEquals("no engine named 'btree' is installed; installed: [hash, lsm]", e.getMessage());
    assertThrows(EngineNotFoundException.class, () -> registry.info("btree"));
    assertThrows(InvalidArgumentException.class, () -> registry.info(null));
  }

  @Test
  void emptyRegistrySaysSo() {
    EngineRegistry registry = EngineRegistry.of(List.of());

    EngineNotFoundException e =
        assertThrows(EngineNotFoundException.class, () -> registry.info("lsm"));

    assertTrue(e.getMessage().endsWith("no engines are installed"), e.getMessage());
  }

  @Test
  void otherSpiMajorIsRefusedNamingBothVersions() {
    StubProvider future = StubProvider.withSpi("future", new SpiVersion(2, 0));
    EngineRegistry registry = EngineRegistry.of(List.of(future, TinyProvider.durable("tiny")));

    IncompatibleVersionException e =
        assertThrows(IncompatibleVersionException.class, () -> registry.provider("future"));

    assertEquals(
        "engine 'future' (dev.cairn.runtime.StubProvider) was built against SPI 2.0, another major"
            + " version than this runtime's SPI "
            + SpiVersion.CURRENT
            + "; use a build of the engine for SPI 1.x, or a Cairn that implements SPI 2.0",
        e.getMessage());
    assertEquals(List.of("tiny"), registry.list().stream().map(EngineInfo::name).toList());
    assertEquals(List.of(e.getMessage()), registry.problems());
    assertTrue(
        assertThrows(EngineNotFoundException.class, () -> registry.info("nope"))
            .getMessage()
            .contains("1 refused"));
  }

  @Test
  void newerSpiMinorIsRefusedNamingBothVersions() {
    SpiVersion newer = new SpiVersion(SpiVersion.CURRENT.major(), SpiVersion.CURRENT.minor() + 1);
    EngineRegistry registry = EngineRegistry.of(List.of(StubProvider.withSpi("newer", newer)));

    IncompatibleVersionException e =
        assertThrows(IncompatibleVersionException.class, () -> registry.info("newer"));

    assertEquals(
        "engine 'newer' (dev.cairn.runtime.StubProvider) was built against SPI "
            + newer
            + ", newer than this runtime's SPI "
            + SpiVersion.CURRENT
            + "; upgrade Cairn or use a build of the engine for SPI "
            + SpiVersion.CURRENT,
        e.getMessage());
    assertTrue(registry.list().isEmpty());
  }

  @Test
  void olderSpiMinorIsAccepted() {
    EngineRegistry registry =
        EngineRegistry.of(List.of(StubProvider.withSpi("older", new SpiVersion(1, 0))));

    assertEquals(new SpiVersion(1, 0), registry.info("older").spiVersion());
    assertTrue(registry.problems().isEmpty());
  }

  @Test
  void olderSpiMajorIsRefused() {
    EngineRegistry registry =
        EngineRegistry.of(List.of(StubProvider.withSpi("ancient", new SpiVersion(0, 9))));

    IncompatibleVersionException e =
        assertThrows(IncompatibleVersionException.class, () -> registry.info("ancient"));

    assertTrue(
        e.getMessage().contains("built against SPI 0.9, another major version"), e.getMessage());
    assertTrue(e.getMessage().endsWith("use a build of the engine for SPI 1.x"), e.getMessage());
  }

  @Test
  void invalidNameIsRefusedAndReportedByThatName() {
    EngineRegistry registry = EngineRegistry.of(List.of(StubProvider.named("Bad Name")));

    ContractViolationException e =
        assertThrows(ContractViolationException.class, () -> registry.info("Bad Name"));

    assertTrue(e.getMessage().contains("dev.cairn.runtime.StubProvider"), e.getMessage());
    assertTrue(e.getMessage().contains("invalid name 'Bad Name'"), e.getMessage());
    assertTrue(registry.list().isEmpty());
  }

  @Test
  void nullNameIsRefused() {
    EngineRegistry registry = EngineRegistry.of(List.of(StubProvider.named(null)));

    assertEquals(1, registry.problems().size());
    assertTrue(registry.problems().getFirst().contains("invalid name (null)"));
  }

  @Test
  void providerThrowingFromNameIsRefusedWithTheCause() {
    IllegalStateException boom = new IllegalStateException("no name today");
    StubProvider broken =
        new StubProvider(
            () -> {
              throw boom;
            },
            () -> SpiVersion.CURRENT,
            Set::of);
    EngineRegistry registry = EngineRegistry.of(List.of(broken, TinyProvider.durable("tiny")));

    String problem = registry.problems().getFirst();
    assertTrue(problem.contains("StubProvider failed in name()"), problem);
    assertTrue(problem.contains("no name today"), problem);
    ContractViolationException e =
        assertThrows(ContractViolationException.class, registry::requireNoProblems);
    assertSame(boom, e.getCause());
    assertEquals("tiny", registry.list().getFirst().name());
  }

  @Test
  void providerThrowingFromSpiVersionOrCapabilitiesIsRefusedUnderItsName() {
    StubProvider badSpi =
        new StubProvider(
            () -> "spi",
            () -> {
              throw new UnsupportedOperationException("which SPI?");
            },
            Set::of);
    StubProvider badCaps =
        new StubProvider(
            () -> "caps",
            () -> SpiVersion.CURRENT,
            () -> {
              throw new IllegalStateException("caps exploded");
            });
    StubProvider nullCaps = new StubProvider(() -> "nulls", () -> SpiVersion.CURRENT, () -> null);
    EngineRegistry registry = EngineRegistry.of(List.of(badSpi, badCaps, nullCaps));

    ContractViolationException spi =
        assertThrows(ContractViolationException.class, () -> registry.info("spi"));
    assertEquals(
        "engine 'spi' (dev.cairn.runtime.StubProvider) failed in spiVersion():"
            + " java.lang.UnsupportedOperationException: which SPI?",
        spi.getMessage());
    assertInstanceOf(UnsupportedOperationException.class, spi.getCause());
    ContractViolationException caps =
        assertThrows(ContractViolationException.class, () -> registry.provider("caps"));
    assertTrue(caps.getMessage().contains("failed in capabilities()"), caps.getMessage());
    assertTrue(
        assertThrows(ContractViolationException.class, () -> registry.info("nulls"))
            .getMessage()
            .contains("returned null from capabilities()"));
    assertEquals(3, registry.problems().size());
  }

  @Test
  void nullCapabilityInTheSetIsRefused() {
    StubProvider p =
        new StubProvider(
            () -> "holes",
            () -> SpiVersion.CURRENT,
            () -> new java.util.HashSet<>(Arrays.asList(Capability.DURABLE, null)));
    EngineRegistry registry = EngineRegistry.of(List.of(p));

    assertThrows(ContractViolationException.class, () -> registry.info("holes"));
  }

  @Test
  void duplicateNamesFailForThatNameNamingBothClasses() {
    EngineRegistry registry =
        EngineRegistry.of(
            List.of(
                TinyProvider.durable("dup"),
                StubProvider.named("dup"),
                TinyProvider.durable("other")));

    ContractViolationException e =
        assertThrows(ContractViolationException.class, () -> registry.provider("dup"));

    assertEquals(
        "engine name 'dup' is claimed by 2 providers: dev.cairn.runtime.TinyProvider,"
            + " dev.cairn.runtime.StubProvider; install only one of them",
        e.getMessage());
    assertEquals(List.of("other"), registry.list().stream().map(EngineInfo::name).toList());
  }

  @Test
  void duplicateWithARefusedProviderIsStillADuplicate() {
    EngineRegistry registry =
        EngineRegistry.of(
            List.of(
                TinyProvider.durable("dup"), StubProvider.withSpi("dup", new SpiVersion(7, 1))));

    assertTrue(
        assertThrows(ContractViolationException.class, () -> registry.info("dup"))
            .getMessage()
            .contains("claimed by 2 providers"));
  }

  @Test
  void sameProviderClassTwiceIsOneEngine() {
    EngineRegistry registry =
        EngineRegistry.of(List.of(TinyProvider.durable("x"), TinyProvider.durable("x")));

    assertEquals(1, registry.list().size());
    assertTrue(registry.problems().isEmpty());
  }

  @Test
  void strictModeThrowsTheFirstProblemWithTheOthersSuppressed() {
    EngineRegistry registry =
        EngineRegistry.of(
            List.of(StubProvider.withSpi("aaa", new SpiVersion(0, 9)), StubProvider.named("B")));

    StorageException e = assertThrows(StorageException.class, registry::requireNoProblems);

    assertInstanceOf(ContractViolationException.class, e); // "B" sorts before "aaa"
    assertEquals(1, e.getSuppressed().length);
    assertInstanceOf(IncompatibleVersionException.class, e.getSuppressed()[0]);
  }

  @Test
  void ofRejectsNulls() {
    assertThrows(InvalidArgumentException.class, () -> EngineRegistry.of(null));
    List<TinyProvider> withNull = new ArrayList<>();
    withNull.add(null);
    assertThrows(InvalidArgumentException.class, () -> EngineRegistry.of(withNull));
    assertThrows(InvalidArgumentException.class, () -> EngineRegistry.discover((ClassLoader) null));
    assertThrows(InvalidArgumentException.class, () -> EngineRegistry.discover((ModuleLayer) null));
    assertThrows(InvalidArgumentException.class, () -> EngineRegistry.of(List.of()).store(null));
  }

  @Test
  void cairnDiscoversOnce() {
    assertSame(Cairn.engines(), Cairn.engines());
    // The runtime's own test path installs no engine.
    assertThrows(EngineNotFoundException.class, () -> Cairn.inMemory("tiny").open());
  }
}
