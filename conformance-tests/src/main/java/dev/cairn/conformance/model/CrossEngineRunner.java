package dev.cairn.conformance.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs one seed's sequence on several engines and the model and compares them step by step, as
 * Pebble's {@code metamorphic} test compares configurations: any engine that answers differently
 * from the others at a step is named, with every answer at that step.
 *
 * <p>Stateless and thread-safe. Engines run one after another, each on a fresh store.
 */
public final class CrossEngineRunner {

  private CrossEngineRunner() {}

  /**
   * Runs the sequence of {@code seed} on every engine of {@code engines}.
   *
   * @param engines fresh stores by engine name, in the order to report them
   * @param features what every engine supports (intersect their {@link Features})
   * @return empty when all agree with each other and with the model; else the first divergence
   */
  public static Optional<String> compare(
      long seed, int length, Features features, Map<String, StoreSource> engines) {
    List<Op> ops = OpGenerator.generate(seed, length, features);
    Map<String, List<String>> outputs = new LinkedHashMap<>();
    outputs.put("model", Model.expected(ops, features.ordered()));
    engines.forEach((name, source) -> outputs.put(name, ModelHarness.run(ops, features, source)));
    List<String> names = new ArrayList<>(outputs.keySet());
    for (int step = 0; step <= ops.size(); step++) {
      Map<String, String> answers = new LinkedHashMap<>();
      for (String n : names) {
        List<String> o = outputs.get(n);
        answers.put(n, step < o.size() ? o.get(step) : "(no output)");
      }
      if (answers.values().stream().distinct().count() > 1) {
        StringBuilder sb =
            new StringBuilder("engines diverge on seed " + seed + " at step " + step + ": ");
        sb.append(step < ops.size() ? ops.get(step) : "final consistency check");
        answers.forEach((n, a) -> sb.append("\n  ").append(n).append(": ").append(a));
        sb.append("\nsteps up to it:");
        for (int i = 0; i <= Math.min(step, ops.size() - 1); i++) {
          sb.append("\n  ").append(i).append(": ").append(ops.get(i));
        }
        return Optional.of(sb.toString());
      }
    }
    return Optional.empty();
  }
}
