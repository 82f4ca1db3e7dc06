package dev.cairn.conformance.model;

import dev.cairn.spi.KeyRange;
import java.util.HexFormat;
import java.util.zip.CRC32;

/** How step results are written, the same way for the model and for engines. Stateless. */
final class Outputs {

  static final String OK = "ok";
  static final String SKIPPED = "skipped";
  static final String END = "end";
  static final String CONSISTENT = "consistent";

  /** A step naming a keyspace that does not exist (in the store, or in its snapshot). */
  static final String REFUSED = "refused: no such keyspace";

  /** A batch that applied nothing: a precondition failed, or it named a missing keyspace. */
  static final String REJECTED = "rejected: nothing applied";

  private Outputs() {}

  /** A key or value: full hex when short, else a prefix, the length and a CRC of every byte. */
  static String show(byte[] b) {
    if (b == null) {
      return "null";
    }
    if (b.length == 0) {
      return "\"\"";
    }
    if (b.length <= 24) {
      return HexFormat.of().formatHex(b);
    }
    CRC32 crc = new CRC32();
    crc.update(b);
    return HexFormat.of().formatHex(b, 0, 8)
        + "..("
        + b.length
        + "B crc "
        + Long.toHexString(crc.getValue())
        + ")";
  }

  static String entry(byte[] key, byte[] value) {
    return show(key) + "=" + show(value);
  }

  static KeyRange range(Op.Scan s) {
    return range(s.lower(), s.lowerInclusive(), s.upper(), s.upperInclusive());
  }

  static KeyRange range(Op.DeleteRange d) {
    return range(d.lower(), d.lowerInclusive(), d.upper(), d.upperInclusive());
  }

  private static KeyRange range(
      byte[] lower, boolean lowerInclusive, byte[] upper, boolean upperInclusive) {
    return new KeyRange(
        lower == null ? null : new KeyRange.Bound(lower, lowerInclusive),
        upper == null ? null : new KeyRange.Bound(upper, upperInclusive));
  }
}
