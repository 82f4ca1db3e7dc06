package dev.cairn.runtime.transfer;

import java.time.Instant;
import java.util.List;

/**
 * What an export wrote, or an import read and applied, as the stream's trailer states it and the
 * reader verified it.
 *
 * @param sourceEngine the engine the stream was exported from, as its header names it
 * @param sourceVersion that engine's version
 * @param created when the export began
 * @param ordered whether the records of each keyspace are in key order (an engine with {@code
 *     ORDERED_SCANS}); otherwise in the source cursor's order
 * @param keyspaces each keyspace's totals, in the stream's order
 * @param entries entries over every keyspace
 * @param dataBytes bytes of keys and values over every keyspace
 * @param streamBytes bytes of the stream itself
 * @param digest the stream's digest, 64 hex digits (see {@code docs/formats/export-stream.md})
 * @since 1.2
 */
public record TransferSummary(
    String sourceEngine,
    String sourceVersion,
    Instant created,
    boolean ordered,
    List<KeyspaceTotals> keyspaces,
    long entries,
    long dataBytes,
    long streamBytes,
    String digest) {

  /**
   * @throws NullPointerException if a reference is null
   */
  public TransferSummary {
    keyspaces = List.copyOf(keyspaces);
  }

  /**
   * One keyspace of a stream.
   *
   * @param name the keyspace's name
   * @param entries its entries
   * @param dataBytes bytes of its keys and values
   * @param digest the order-independent digest of its entries, 64 hex digits
   * @since 1.2
   */
  public record KeyspaceTotals(String name, long entries, long dataBytes, String digest) {}

  static TransferSummary of(StreamReader.Totals t) {
    List<String> names = t.header().keyspaces();
    List<KeyspaceTotals> ks = new java.util.ArrayList<>(names.size());
    long entries = 0;
    long bytes = 0;
    for (int i = 0; i < names.size(); i++) {
      ks.add(
          new KeyspaceTotals(
              names.get(i), t.entries()[i], t.bytes()[i], EntryDigest.hex(t.digests()[i])));
      entries += t.entries()[i];
      bytes += t.bytes()[i];
    }
    StreamHeader h = t.header();
    return new TransferSummary(
        h.engine(),
        h.engineVersion(),
        h.created(),
        h.ordered(),
        ks,
        entries,
        bytes,
        t.streamBytes(),
        EntryDigest.hex(t.streamDigest()));
  }
}
