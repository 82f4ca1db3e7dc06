package dev.cairn.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.runtime.EngineInfo;
import dev.cairn.runtime.EngineRegistry;
import dev.cairn.spi.Capability;
import dev.cairn.spi.EngineSetting;
import java.io.PrintWriter;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code cairn engines}: the installed engines, what they can do and how they are tuned. */
@Command(
    name = "engines",
    description = {
      "Lists the installed storage engines: name, version, SPI version, capabilities, settings"
          + " (with the values each accepts and its default).",
      "Engines are found on the module path through ServiceLoader."
    })
final class EnginesCommand implements Callable<Integer> {

  @Mixin HelpOption help;

  @ParentCommand CairnCommand root;

  @Spec CommandSpec spec;

  @Option(
      names = "--json",
      description = "Print a JSON array, one object per engine, fields in a fixed order.")
  boolean json;

  @Override
  public Integer call() {
    EngineRegistry registry = root.registry();
    List<EngineInfo> engines = registry.list();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    // Providers the runtime found but refused (bad name, SPI major mismatch, duplicate name) are
    // not engines, but whoever installed them wants to know why they are missing.
    registry.problems().forEach(p -> err.println("cairn engines: refused: " + p));
    if (json) {
      ArrayNode array = Json.NODES.arrayNode();
      engines.forEach(e -> array.add(toJson(e)));
      Json.print(out, array);
    } else if (engines.isEmpty()) {
      err.println("No storage engines are installed on the module path.");
    } else {
      engines.forEach(e -> printText(out, e));
    }
    out.flush();
    err.flush();
    return ExitCodes.OK;
  }

  /** The JSON shape documented in docs/cli.md; field order is part of it. */
  static ObjectNode toJson(EngineInfo e) {
    ObjectNode node = Json.NODES.objectNode();
    node.put("name", e.name());
    node.put("version", e.version());
    node.put("spiVersion", e.spiVersion().toString());
    ArrayNode capabilities = node.putArray("capabilities");
    sorted(e.capabilities()).forEach(c -> capabilities.add(c.name()));
    ArrayNode settings = node.putArray("settings");
    for (EngineSetting s : e.settings()) {
      ObjectNode setting = settings.addObject();
      setting.put("name", s.name());
      setting.put("type", s.type().name());
      setting.put("accepts", s.describeType());
      if (bounded(s) && s.min() != Long.MIN_VALUE) {
        setting.put("min", s.min());
      } else {
        setting.putNull("min");
      }
      if (bounded(s) && s.max() != Long.MAX_VALUE) {
        setting.put("max", s.max());
      } else {
        setting.putNull("max");
      }
      ArrayNode choices = setting.putArray("choices");
      s.choices().forEach(choices::add);
      setting.put("default", s.defaultValue());
      setting.put("description", s.description());
    }
    node.put("description", e.description());
    return node;
  }

  private static void printText(PrintWriter out, EngineInfo e) {
    out.println(e.name() + " " + e.version() + " (SPI " + e.spiVersion() + ")");
    out.println("  " + e.description());
    List<Capability> capabilities = sorted(e.capabilities());
    out.println(
        "  capabilities: "
            + (capabilities.isEmpty()
                ? "none"
                : String.join(", ", capabilities.stream().map(Capability::name).toList())));
    if (e.settings().isEmpty()) {
      out.println("  settings: none");
    } else {
      out.println("  settings:");
      for (EngineSetting s : e.settings()) {
        String value = s.defaultValue() == null ? "required" : "default " + s.defaultValue();
        out.println(
            "    " + s.name() + " (" + s.describeType() + "; " + value + "): " + s.description());
      }
    }
  }

  /** Whether the setting's min and max mean anything: a number, a size or a duration. */
  private static boolean bounded(EngineSetting s) {
    return switch (s.type()) {
      case INTEGER, SIZE, DURATION -> true;
      case TEXT, BOOLEAN, CHOICE -> false;
    };
  }

  /** Capabilities in the order the SPI declares them, so output does not depend on set order. */
  private static List<Capability> sorted(Set<Capability> capabilities) {
    return capabilities.stream().sorted().toList();
  }
}
