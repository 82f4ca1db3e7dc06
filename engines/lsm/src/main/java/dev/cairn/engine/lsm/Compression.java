package dev.cairn.engine.lsm;

import com.github.luben.zstd.Zstd;
import dev.cairn.spi.CorruptionException;
import java.util.Locale;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * The codecs a data block may be stored in ({@code docs/formats/lsm-table.md}, format version 2),
 * each named by the byte of the block trailer that marks it, and by the value of the {@code
 * compression} setting that chooses it (decision 0017).
 *
 * <p>LZ4 is lz4-java's pure-Java, bounds-checked implementation (no JNI, no {@code
 * sun.misc.Unsafe}: nothing for the JVM to warn about, and garbage cannot crash it); Zstandard is
 * zstd-jni's, through JNI, at level 3 (RocksDB's default). A decompressor's failure on bytes that
 * passed the block's checksum, or a result of another length than the block declares, is a {@link
 * CorruptionException}; so is a declared length above {@link #MAX_UNCOMPRESSED}, refused before
 * anything is allocated.
 *
 * <p>Thread-safe: the codecs keep no state between calls.
 */
enum Compression {
  /** Stored as is. */
  NONE(0),
  /** LZ4 block format (no frame). */
  LZ4(1),
  /** A Zstandard frame, level 3. */
  ZSTD(2);

  /**
   * The largest uncompressed block a reader accepts: above any block the writer makes (a block is
   * cut once it reaches {@code block.size}, at most 1 MiB, so it holds at most that plus one entry
   * of the largest key, 64 KiB, and value, 16 MiB, and their lengths and restart points).
   */
  static final int MAX_UNCOMPRESSED = 32 << 20;

  /** Zstandard's level: RocksDB's default, the rocksdb engine's. */
  static final int ZSTD_LEVEL = 3;

  private static final LZ4Factory LZ4_CODECS = LZ4Factory.safeInstance();

  private final byte id;

  Compression(int id) {
    this.id = (byte) id;
  }

  /** The trailer's compression byte for this codec. */
  byte id() {
    return id;
  }

  /** The {@code compression} setting's value naming this codec. */
  String settingValue() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The codec of {@code settingValue} (the setting's choices are checked by the SPI before).
   *
   * @throws IllegalArgumentException if it names none
   */
  static Compression ofSetting(String settingValue) {
    return valueOf(settingValue.toUpperCase(Locale.ROOT));
  }

  /**
   * The codec marked by trailer byte {@code id}.
   *
   * @throws CorruptionException if no codec has it
   */
  static Compression ofId(byte id, String where) {
    for (Compression c : values()) {
      if (c.id == id) {
        return c;
      }
    }
    throw new CorruptionException(where + ": block has unknown compression " + (id & 0xFF));
  }

  /** The most bytes {@link #compress} writes for {@code length} input bytes. */
  int maxCompressedLength(int length) {
    return switch (this) {
      case NONE -> length;
      case LZ4 -> lz4Compressor().maxCompressedLength(length);
      case ZSTD -> Math.toIntExact(Zstd.compressBound(length));
    };
  }

  /**
   * Compresses {@code src[0, length)} into {@code dst} from {@code offset}, which has room for
   * {@link #maxCompressedLength} bytes.
   *
   * @return the bytes written
   */
  int compress(byte[] src, int length, byte[] dst, int offset) {
    return switch (this) {
      case NONE -> {
        System.arraycopy(src, 0, dst, offset, length);
        yield length;
      }
      case LZ4 -> lz4Compressor().compress(src, 0, length, dst, offset, dst.length - offset);
      case ZSTD -> {
        long n =
            Zstd.compressByteArray(dst, offset, dst.length - offset, src, 0, length, ZSTD_LEVEL);
        if (Zstd.isError(n)) {
          throw new IllegalStateException("zstd compression failed: " + Zstd.getErrorName(n));
        }
        yield (int) n;
      }
    };
  }

  /**
   * Decompresses {@code src[offset, offset + length)} into a new array of exactly {@code
   * uncompressed} bytes.
   *
   * @throws CorruptionException if the bytes do not decompress to exactly that many
   */
  byte[] decompress(byte[] src, int offset, int length, int uncompressed, String where) {
    if (uncompressed < 0 || uncompressed > MAX_UNCOMPRESSED) {
      throw new CorruptionException(
          where
              + ": block declares "
              + Integer.toUnsignedString(uncompressed)
              + " uncompressed bytes, above the limit of "
              + MAX_UNCOMPRESSED);
    }
    byte[] out = new byte[uncompressed];
    long n;
    try {
      n =
          switch (this) {
            case NONE -> {
              if (length == uncompressed) {
                System.arraycopy(src, offset, out, 0, length);
              }
              yield length;
            }
            case LZ4 -> lz4Decompressor().decompress(src, offset, length, out, 0, uncompressed);
            case ZSTD -> Zstd.decompressByteArray(out, 0, uncompressed, src, offset, length);
          };
    } catch (RuntimeException e) {
      throw new CorruptionException(
          where + ": " + settingValue() + " block does not decompress (" + e.getMessage() + ")", e);
    }
    if (this == ZSTD && Zstd.isError(n)) {
      throw new CorruptionException(
          where + ": zstd block does not decompress (" + Zstd.getErrorName(n) + ")");
    }
    if (n != uncompressed) {
      throw new CorruptionException(
          where
              + ": "
              + settingValue()
              + " block decompresses to "
              + n
              + " bytes, but declares "
              + uncompressed);
    }
    return out;
  }

  private static LZ4Compressor lz4Compressor() {
    return LZ4_CODECS.fastCompressor();
  }

  private static LZ4SafeDecompressor lz4Decompressor() {
    return LZ4_CODECS.safeDecompressor();
  }
}
