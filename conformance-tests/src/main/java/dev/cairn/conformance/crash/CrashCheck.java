package dev.cairn.conformance.crash;

import dev.cairn.spi.EngineOptions;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.StorageEngineProvider;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The check after every simulated crash: reopen, read everything, ask the oracle. */
final class CrashCheck {

  private CrashCheck() {}

  /**
   * Reopens the store in {@code dir} and checks it against {@code oracle}, then every acknowledged
   * checkpoint beside it.
   *
   * @param what the crash, for messages
   * @param stateOut receives the store's content when not null
   * @return null when the store passes, else what is wrong
   */
  static String afterCrash(
      StorageEngineProvider provider,
      Path dir,
      Oracle oracle,
      List<byte[]> keys,
      boolean processCrash,
      String what,
      Map<String, Integer> stateOut) {
    Map<String, Integer> state = new TreeMap<>();
    String problem = read(provider, StoreSession.options(dir), keys, state, what);
    if (problem != null) {
      return problem;
    }
    String v = oracle.verify(state, processCrash);
    if (v != null) {
      return "after " + what + ": " + v;
    }
    if (stateOut != null) {
      stateOut.putAll(state);
    }
    for (Map.Entry<String, Integer> cp : oracle.checkpoints().entrySet()) {
      Path cpDir = dir.resolveSibling(cp.getKey());
      Map<String, Integer> cpState = new TreeMap<>();
      String p =
          read(
              provider,
              EngineOptions.builder().directory(cpDir).createIfMissing(false).build(),
              keys,
              cpState,
              what + " (acknowledged checkpoint " + cp.getKey() + ")");
      if (p != null) {
        return p;
      }
      String cv = oracle.verifyCheckpoint(cpState, cp.getValue());
      if (cv != null) {
        return "checkpoint " + cp.getKey() + " after " + what + ": " + cv;
      }
    }
    return null;
  }

  static String read(
      StorageEngineProvider provider,
      EngineOptions options,
      List<byte[]> keys,
      Map<String, Integer> state,
      String what) {
    StorageEngine e;
    try {
      e = provider.open(options);
    } catch (RuntimeException | Error t) {
      return "the store did not reopen after " + what + ": " + StoreSession.stack(t);
    }
    try {
      String problem = StoreSession.readState(e, keys, state);
      return problem == null ? null : problem + " (after " + what + ")";
    } catch (RuntimeException t) {
      return "reading the store after " + what + " threw " + StoreSession.stack(t);
    } finally {
      try {
        e.close();
      } catch (RuntimeException ignored) {
        // the read is what is checked here
      }
    }
  }
}
