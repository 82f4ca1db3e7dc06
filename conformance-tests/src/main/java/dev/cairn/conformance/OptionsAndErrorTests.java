package dev.cairn.conformance;

import static dev.cairn.conformance.Bytes.b;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cairn.spi.EngineSetting;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.StorageException;
import dev.cairn.spi.UnsupportedCapabilityException;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Options and errors as users meet them, through the runtime: unknown settings rejected, declared
 * settings accepted, every bad argument an {@link InvalidArgumentException} that changes nothing.
 */
abstract class OptionsAndErrorTests extends ConformanceGroup {

  @Test
  void anUnknownSettingIsRejectedNamingIt() {
    InvalidArgumentException e =
        assertThrows(
            InvalidArgumentException.class,
            () ->
                stores.open(
                    stores.newDirectory(), o -> o.setting("no.such.setting.anywhere", "1")));
    assertTrue(
        e.getMessage().contains("no.such.setting.anywhere"),
        "the message does not name the setting: " + e.getMessage());
  }

  @TestFactory
  Stream<DynamicTest> eachDeclaredSettingAcceptsItsDefault() {
    List<EngineSetting> settings = provider().settings();
    if (settings.isEmpty()) {
      return Stream.of(
          DynamicTest.dynamicTest(
              "no settings declared: the list is empty, not null",
              () -> assertEquals(List.of(), settings)));
    }
    return settings.stream()
        .map(
            s ->
                DynamicTest.dynamicTest(
                    s.name() + " = " + s.defaultValue(),
                    () -> {
                      assertTrue(!s.description().isBlank(), s.name() + " has no description");
                      if (s.defaultValue() != null) {
                        StorageEngine e =
                            stores.open(
                                stores.newDirectory(), o -> o.setting(s.name(), s.defaultValue()));
                        e.put(b("k"), b("v"));
                        assertArrayEquals(b("v"), e.get(b("k")));
                      }
                    }));
  }

  static Stream<org.junit.jupiter.api.Named<Consumer<StorageEngine>>> invalidCalls() {
    return InvalidCalls.calls();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidCalls")
  void aBadArgumentIsAnInvalidArgumentAndChangesNothing(Consumer<StorageEngine> call) {
    StorageEngine e = open();
    e.put(b("k"), b("before"));
    try {
      call.accept(e);
      fail("the call was accepted");
    } catch (InvalidArgumentException expected) {
      // The contract's answer.
    } catch (UnsupportedCapabilityException refusal) {
      // A seek without ORDERED_SCANS may be refused before its argument is looked at.
    } catch (StorageException other) {
      fail("expected InvalidArgumentException, got " + other);
    }
    assertArrayEquals(b("before"), e.get(b("k")));
    assertEquals(1, Scans.all(e).size());
  }
}
