package dev.cairn.runtime.transfer;

import java.time.Instant;
import java.util.List;

/**
 * What a stream's header frame says: who wrote it, when, in which order, and which keyspaces
 * follow, in the order they follow.
 */
record StreamHeader(
    String engine, String engineVersion, Instant created, boolean ordered, List<String> keyspaces) {

  StreamHeader {
    keyspaces = List.copyOf(keyspaces);
  }
}
