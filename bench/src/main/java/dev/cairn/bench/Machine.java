package dev.cairn.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The machine a run was measured on.
 *
 * @param cpu the processor model, from {@code /proc/cpuinfo} where there is one
 * @param cores processors available to the JVM
 * @param memoryBytes physical memory, from {@code /proc/meminfo}; -1 unknown
 * @param os operating system name and version
 * @param java the Java runtime version
 * @param maxHeapBytes the JVM's maximum heap
 * @param loadAverage the system load average over the last minute when described (runnable
 *     processes, all of them, not only this one); above the core count the figures are depressed by
 *     other work on the machine; -1 unknown
 */
public record Machine(
    String cpu,
    int cores,
    long memoryBytes,
    String os,
    String java,
    long maxHeapBytes,
    double loadAverage) {

  /** Describes the current machine. */
  public static Machine current() {
    return new Machine(
        procField(Path.of("/proc/cpuinfo"), "model name"),
        Runtime.getRuntime().availableProcessors(),
        kib(procField(Path.of("/proc/meminfo"), "MemTotal")),
        System.getProperty("os.name") + " " + System.getProperty("os.version"),
        Runtime.version().toString(),
        Runtime.getRuntime().maxMemory(),
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  /** The process's peak resident set ({@code VmHWM}), bytes; -1 where unknown. */
  public static long peakResidentBytes() {
    return kib(procField(Path.of("/proc/self/status"), "VmHWM"));
  }

  private static String procField(Path file, String name) {
    try {
      List<String> lines = Files.readAllLines(file);
      for (String l : lines) {
        int colon = l.indexOf(':');
        if (colon > 0 && l.substring(0, colon).trim().equals(name)) {
          return l.substring(colon + 1).trim();
        }
      }
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
    return "unknown";
  }

  private static long kib(String text) {
    try {
      return Long.parseLong(text.replace("kB", "").trim()) * 1024;
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
