package dev.cairn.bench;

/**
 * A workload a target cannot run, and why: it has no figure, and the table, the JSON and the chart
 * say so where its figure would be.
 *
 * @param workload the workload's id
 * @param target the engine or peer
 * @param reason why, in a few words ({@link #NO_KEY_ORDER})
 */
public record NotApplicable(String workload, String target, String reason) {

  /** The reason of a scanning workload on a store without key order (a hash map). */
  public static final String NO_KEY_ORDER = "no key order";
}
