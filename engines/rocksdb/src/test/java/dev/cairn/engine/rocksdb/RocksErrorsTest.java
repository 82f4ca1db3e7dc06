package dev.cairn.engine.rocksdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.BusyException;
import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.StorageException;
import dev.cairn.spi.StorageIOException;
import dev.cairn.spi.UnsupportedCapabilityException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.rocksdb.RocksDBException;
import org.rocksdb.Status;

/** RocksDB's status codes as the SPI's exceptions. */
class RocksErrorsTest {

  private static StorageException mapped(Status.Code code) {
    RocksDBException e =
        new RocksDBException("state of " + code, new Status(code, Status.SubCode.None, "state"));
    StorageException m = RocksErrors.map("put failed in /db", e);
    assertSame(e, m.getCause(), "RocksDB's exception stays the cause");
    assertTrue(m.getMessage().startsWith("put failed in /db: state of " + code), m.getMessage());
    return m;
  }

  @ParameterizedTest
  @EnumSource(
      value = Status.Code.class,
      names = {"Busy", "TimedOut", "TryAgain", "Incomplete"})
  void notNowCodesAreBusyAndRetryable(Status.Code code) {
    StorageException m = mapped(code);
    assertInstanceOf(BusyException.class, m);
    assertTrue(m.getMessage().endsWith("(retryable; nothing was changed)"), m.getMessage());
  }

  @ParameterizedTest
  @EnumSource(
      value = Status.Code.class,
      names = {
        "IOError",
        "Aborted",
        "ShutdownInProgress",
        "Expired",
        "Undefined",
        "MergeInProgress"
      })
  void otherFailuresAreIoErrors(Status.Code code) {
    assertInstanceOf(StorageIOException.class, mapped(code));
  }

  @ParameterizedTest
  @EnumSource(
      value = Status.Code.class,
      names = {"Corruption", "InvalidArgument", "NotSupported"})
  void codesWithAnSpiCounterpartMapToIt(Status.Code code) {
    Class<? extends StorageException> expected =
        switch (code) {
          case Corruption -> CorruptionException.class;
          case InvalidArgument -> InvalidArgumentException.class;
          default -> UnsupportedCapabilityException.class;
        };
    assertEquals(expected, mapped(code).getClass());
  }
}
