package dev.cairn.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The colour of each target in a chart: the same in every panel and every format. Cairn's engines
 * and the peers have colours of their own, the same in every run whichever others are beside them;
 * any other target takes the first colour no target of the chart has, in the order the targets were
 * asked for. Colours are Tableau 10's, distinct for common colour-vision deficiencies.
 */
final class EngineColors {

  /** Tableau 10, in order. */
  static final List<String> PALETTE =
      List.of(
          "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1", "#76b7b2", "#9c755f", "#ff9da7",
          "#edc948", "#bab0ac");

  /** The colours of the known targets. */
  static final Map<String, String> KNOWN =
      Map.of(
          "hash", "#4e79a7",
          "rocksdb", "#f28e2b",
          "memory", "#59a14f",
          "lsm", "#e15759",
          "btree", "#b07aa1",
          "mvstore", "#76b7b2",
          "lmdb", "#9c755f",
          "chronicle-map", "#ff9da7");

  private EngineColors() {}

  /** A colour for each of {@code targets}, in their order; distinct for up to ten targets. */
  static Map<String, String> of(List<String> targets) {
    Map<String, String> out = new LinkedHashMap<>();
    List<String> free = new ArrayList<>(PALETTE);
    for (String t : targets) {
      if (KNOWN.containsKey(t)) {
        free.remove(KNOWN.get(t));
      }
    }
    int next = 0;
    for (String t : targets) {
      String c = KNOWN.get(t);
      if (c == null) {
        c = free.isEmpty() ? PALETTE.get(next++ % PALETTE.size()) : free.removeFirst();
      }
      out.put(t, c);
    }
    return out;
  }

  /** {@code hex} mixed with white: {@code share} of the colour (1 the colour, 0 white). */
  static String tint(String hex, double share) {
    int rgb = Integer.parseInt(hex.substring(1), 16);
    int r = mix((rgb >> 16) & 0xff, share);
    int g = mix((rgb >> 8) & 0xff, share);
    int b = mix(rgb & 0xff, share);
    return String.format(Locale.ROOT, "#%02x%02x%02x", r, g, b);
  }

  private static int mix(int channel, double share) {
    return (int) Math.round(channel * share + 255 * (1 - share));
  }
}
