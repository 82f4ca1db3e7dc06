package dev.cairn.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.ReadView;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.UnsupportedCapabilityException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code cairn scan}: prints the entries of a key range, streaming them as the cursor reads them:
 * in key order on an engine that declares {@code ORDERED_SCANS}; on one that does not, only the
 * whole store, forward, in the engine's own order.
 */
@Command(
    name = "scan",
    description = {
      "Prints the entries of a key range, one per line: KEY<TAB>VALUE. Without --from, --to or"
          + " --prefix, prints every entry.",
      "On an engine with ORDERED_SCANS (see 'cairn engines') entries come in unsigned byte order"
          + " of their keys. An engine without it (such as hash) scans only the whole store,"
          + " forward, in the engine's own order, and refuses --from, --to, --prefix and"
          + " --reverse."
    })
final class ScanCommand implements Callable<Integer> {

  private static final int CHECK_OUTPUT_EVERY = 256;

  @Mixin HelpOption help;

  @ParentCommand CairnCommand root;

  @Spec CommandSpec spec;

  @Mixin StoreOptions store;

  @Mixin WaitOption wait;

  @Mixin ByteEncoding encoding;

  @Mixin KeyspaceOption keyspace;

  @Option(names = "--from", paramLabel = "KEY", description = "First key (inclusive).")
  String from;

  @Option(names = "--to", paramLabel = "KEY", description = "Upper end (exclusive).")
  String to;

  @Option(
      names = "--prefix",
      paramLabel = "PREFIX",
      description = "Only keys that start with PREFIX; not with --from or --to.")
  String prefix;

  @Option(names = "--reverse", description = "Visit keys from the last to the first.")
  boolean reverse;

  @Option(names = "--limit", paramLabel = "N", description = "Print at most N entries.")
  Long limit;

  @Option(
      names = "--json",
      description = "Print a JSON array of {\"key\": ..., \"value\": ...} objects.")
  boolean json;

  @Override
  public Integer call() {
    if (limit != null && limit < 0) {
      throw new ParameterException(spec.commandLine(), "--limit must be >= 0, got " + limit);
    }
    KeyRange range = range();
    Direction direction = reverse ? Direction.REVERSE : Direction.FORWARD;
    long max = limit == null ? Long.MAX_VALUE : limit;
    PrintWriter out = spec.commandLine().getOut();
    try (StorageEngine engine =
            wait.open(() -> store.open(root.registry(), StoreOptions.Access.READ));
        Cursor cursor = cursor(view(engine), range, direction)) {
      if (json) {
        printJson(out, cursor, max);
      } else {
        for (long n = 0; n < max && cursor.next(); n++) {
          out.println(encoding.format(cursor.key()) + "\t" + encoding.format(cursor.value()));
          // NB: a PrintWriter swallows write errors; when the reader has gone (`cairn scan | head`)
          // stop instead of reading the rest of the store for nobody.
          if (n % CHECK_OUTPUT_EVERY == CHECK_OUTPUT_EVERY - 1 && out.checkError()) {
            break;
          }
        }
      }
    }
    out.flush();
    return ExitCodes.OK;
  }

  /**
   * A cursor over {@code range}; for an engine that keeps no key order, a refusal of anything but
   * the whole store forward that says so in the user's terms, not the range's bytes.
   */
  private Cursor cursor(ReadView view, KeyRange range, Direction direction) {
    try {
      return view.cursor(range, direction);
    } catch (UnsupportedCapabilityException e) {
      List<String> given = new ArrayList<>();
      if (from != null) {
        given.add("--from");
      }
      if (to != null) {
        given.add("--to");
      }
      if (prefix != null) {
        given.add("--prefix");
      }
      if (reverse) {
        given.add("--reverse");
      }
      if (given.isEmpty()) {
        throw e; // not about order: the whole store forward is what every engine scans
      }
      throw new UnsupportedCapabilityException(
          String.join(" and ", given)
              + (given.size() == 1 ? " needs" : " need")
              + " a store that keeps its keys in order, and the store at "
              + store.dir
              + " does not: its engine does not declare ORDERED_SCANS (see 'cairn engines'), so"
              + " it scans only the whole store, forward, in the engine's own order; scan"
              + " without --from, --to, --prefix and --reverse, and sort the output if you need"
              + " an order",
          e);
    }
  }

  /** The store, or the keyspace of it that --keyspace names. */
  private ReadView view(StorageEngine engine) {
    Keyspace ks = keyspace.resolve(engine, store.dir);
    return ks == null ? engine : ks;
  }

  private void printJson(PrintWriter out, Cursor cursor, long max) {
    try (JsonGenerator json = Json.generator(out)) {
      json.writeStartArray();
      for (long n = 0; n < max && cursor.next(); n++) {
        json.writeStartObject();
        json.writeStringField("key", encoding.format(cursor.key()));
        json.writeStringField("value", encoding.format(cursor.value()));
        json.writeEndObject();
      }
      json.writeEndArray();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write JSON output", e);
    }
    out.println();
  }

  private KeyRange range() {
    if (prefix != null) {
      if (from != null || to != null) {
        throw new ParameterException(
            spec.commandLine(), "--prefix cannot be combined with --from or --to");
      }
      return KeyRange.prefix(encoding.parse("--prefix", prefix));
    }
    byte[] lower = from == null ? null : encoding.parse("--from", from);
    byte[] upper = to == null ? null : encoding.parse("--to", to);
    if (lower != null && upper != null) {
      if (Arrays.compareUnsigned(lower, upper) > 0) {
        throw new ParameterException(
            spec.commandLine(), "--from '" + from + "' orders after --to '" + to + "'");
      }
      return KeyRange.between(lower, upper);
    }
    if (lower != null) {
      return KeyRange.atLeast(lower);
    }
    return upper != null ? KeyRange.lessThan(upper) : KeyRange.all();
  }
}
