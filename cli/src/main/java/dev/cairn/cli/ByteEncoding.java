package dev.cairn.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.HexFormat;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * How keys and values cross the command line: UTF-8 text by default, hexadecimal with {@code
 * --hex}. A picocli mixin; one instance per command invocation.
 *
 * <p>Text output decodes bytes as UTF-8, replacing bytes that are not UTF-8 with U+FFFD; use {@code
 * --hex} for binary data.
 */
final class ByteEncoding {

  private static final HexFormat HEX = HexFormat.of();

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  @Option(
      names = "--hex",
      description = "Give and print keys and values as hexadecimal (default: UTF-8 text).")
  boolean hex;

  /**
   * The bytes {@code text} stands for.
   *
   * @param what names the argument in the error message, for example "KEY" or "--from"
   * @throws ParameterException if {@code --hex} is set and {@code text} is not hexadecimal
   */
  byte[] parse(String what, String text) {
    if (!hex) {
      return text.getBytes(UTF_8);
    }
    String digits = text.startsWith("0x") || text.startsWith("0X") ? text.substring(2) : text;
    try {
      return HEX.parseHex(digits);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          command.commandLine(),
          what
              + " '"
              + text
              + "' is not hexadecimal: expected an even number of digits 0-9, a-f"
              + (digits.length() % 2 != 0 ? " (got an odd number)" : ""),
          e);
    }
  }

  /** {@code bytes} as the user reads them: UTF-8 text, or lower-case hex with {@code --hex}. */
  String format(byte[] bytes) {
    return hex ? HEX.formatHex(bytes) : new String(bytes, UTF_8);
  }
}
