package dev.cairn.conformance.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Runs one seed's sequence on several engines and the model and compares them step by step, as
 * Pebble's {@code metamorphic} test compares configurations.
 *
 * <p>Two readings: {@link #compare} names any engine that answers differently from the others, for
 * a tool that holds a set of engines to each other; {@link #judge} holds one engine to the model
 * and treats the others as witnesses, for a certification that must not fail an engine for
 * another's bug.
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
    for (int step = 0; step <= ops.size(); step++) {
      Map<String, String> answers = answers(outputs, step);
      if (answers.values().stream().distinct().count() > 1) {
        return Optional.of(describe("engines diverge", seed, ops, step, answers));
      }
    }
    return Optional.empty();
  }

  /**
   * Runs the sequence of {@code seed} on {@code subject} and on the other engines of {@code
   * engines}, its witnesses, and judges the subject alone.
   *
   * <p>The model decides what each step must return. A witness that departs from it anywhere, or
   * throws, is set aside: whatever it got wrong is its own bug (a broken variant installed beside
   * the subject, say), not the subject's. The subject fails at the first step where its answer
   * differs from the model's, and the report shows the answer of every engine not set aside at that
   * step, so one can see whom the other installed engines agree with.
   *
   * @param subject the engine judged; a key of {@code engines}
   * @param engines fresh stores by engine name, the subject's included, in the order to report them
   * @param features what every engine supports (intersect their {@link Features})
   * @param setAside receives one line for each witness set aside, naming it and its first departure
   * @return empty when the subject agrees with the model at every step; else that divergence
   * @throws IllegalArgumentException if {@code subject} is not a key of {@code engines}
   */
  public static Optional<String> judge(
      long seed,
      int length,
      Features features,
      String subject,
      Map<String, StoreSource> engines,
      Consumer<String> setAside) {
    if (!engines.containsKey(subject)) {
      throw new IllegalArgumentException(
          "engine '" + subject + "' is not among " + engines.keySet());
    }
    List<Op> ops = OpGenerator.generate(seed, length, features);
    List<String> expected = Model.expected(ops, features.ordered());
    Map<String, List<String>> outputs = new LinkedHashMap<>();
    outputs.put("model", expected);
    for (Map.Entry<String, StoreSource> e : engines.entrySet()) {
      String name = e.getKey();
      if (name.equals(subject)) {
        outputs.put(name, ModelHarness.run(ops, features, e.getValue()));
        continue;
      }
      List<String> out;
      try {
        out = ModelHarness.run(ops, features, e.getValue());
      } catch (RuntimeException | LinkageError t) {
        setAside.accept(name + " could not run seed " + seed + ": " + t);
        continue;
      }
      int at = ModelHarness.firstDifference(expected, out);
      if (at < 0) {
        outputs.put(name, out);
      } else {
        setAside.accept(
            name
                + " departs from the model on seed "
                + seed
                + " at step "
                + at
                + " ("
                + (at < ops.size() ? ops.get(at) : "final consistency check")
                + "): answered "
                + (at < out.size() ? out.get(at) : "(no output)")
                + ", the model "
                + (at < expected.size() ? expected.get(at) : "(no output)")
                + "; left out of the comparison");
      }
    }
    int at = ModelHarness.firstDifference(expected, outputs.get(subject));
    if (at < 0) {
      return Optional.empty();
    }
    return Optional.of(
        describe(
            "engine '" + subject + "' diverges from the model",
            seed,
            ops,
            at,
            answers(outputs, at)));
  }

  /** Each engine's answer at {@code step}, in the order of {@code outputs}. */
  private static Map<String, String> answers(Map<String, List<String>> outputs, int step) {
    Map<String, String> answers = new LinkedHashMap<>();
    outputs.forEach((n, o) -> answers.put(n, step < o.size() ? o.get(step) : "(no output)"));
    return answers;
  }

  private static String describe(
      String what, long seed, List<Op> ops, int step, Map<String, String> answers) {
    StringBuilder sb = new StringBuilder(what + " on seed " + seed + " at step " + step + ": ");
    sb.append(step < ops.size() ? ops.get(step) : "final consistency check");
    answers.forEach((n, a) -> sb.append("\n  ").append(n).append(": ").append(a));
    sb.append("\nsteps up to it:");
    for (int i = 0; i <= Math.min(step, ops.size() - 1); i++) {
      sb.append("\n  ").append(i).append(": ").append(ops.get(i));
    }
    return sb.toString();
  }
}
