package dev.cairn.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;

/**
 * JSON output: indented, fields in the order the command adds them, and the writer left open.
 *
 * <p>Thread-safe (Jackson's mapper is, once configured).
 */
final class Json {

  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

  static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private Json() {}

  /** Writes {@code node} and a newline to {@code out}. */
  static void print(PrintWriter out, JsonNode node) {
    try {
      MAPPER.writeValue(out, node);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write JSON output", e);
    }
    out.println();
    out.flush();
  }

  /**
   * A streaming generator over {@code out}, for output too long to build in memory; the caller
   * closes it, which flushes but leaves {@code out} open.
   */
  static JsonGenerator generator(PrintWriter out) {
    try {
      return MAPPER.createGenerator(out).useDefaultPrettyPrinter();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write JSON output", e);
    }
  }
}
