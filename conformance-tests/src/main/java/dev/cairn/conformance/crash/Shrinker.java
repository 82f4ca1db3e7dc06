package dev.cairn.conformance.crash;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Makes a failing workload smaller: removes chunks of steps, halving the chunk size, while the
 * workload still fails (a bounded form of delta debugging).
 */
final class Shrinker {

  private Shrinker() {}

  /**
   * The smallest failing sub-list found within {@code budget} reruns.
   *
   * @param fails reruns a candidate; true when it still fails
   */
  static List<Op> shrink(List<Op> ops, Predicate<List<Op>> fails, int budget) {
    List<Op> best = ops;
    int runs = 0;
    for (int chunk = Math.max(1, best.size() / 2); chunk >= 1 && runs < budget; chunk /= 2) {
      boolean progress = true;
      while (progress && runs < budget) {
        progress = false;
        for (int at = 0; at + chunk <= best.size() && runs < budget; ) {
          List<Op> candidate = new ArrayList<>(best.subList(0, at));
          candidate.addAll(best.subList(at + chunk, best.size()));
          runs++;
          if (!candidate.isEmpty() && fails.test(candidate)) {
            best = candidate;
            progress = true;
          } else {
            at += chunk;
          }
        }
      }
    }
    return best;
  }
}
