package dev.cairn.conformance.model;

import java.util.List;
import java.util.Optional;

/**
 * The model-based test: generate a sequence from a seed, run it on an engine and on the model,
 * compare every step, and shrink a failure to a minimal sequence.
 *
 * <p>Stateless and thread-safe; each call uses fresh stores from its {@link StoreSource}.
 */
public final class ModelHarness {

  /** The most candidate runs a shrink may spend; fixed, so a replay shrinks the same way. */
  public static final int SHRINK_BUDGET = 2000;

  private ModelHarness() {}

  /**
   * Runs the sequence of {@code seed}.
   *
   * @param engine the engine's name, for the report
   * @param seed the generator's seed
   * @param length the number of steps
   * @param features the steps the engine supports
   * @param stores fresh stores of the engine
   * @return empty when the engine agreed with the model at every step; else the shrunk failure
   */
  public static Optional<SequenceFailure> check(
      String engine, long seed, int length, Features features, StoreSource stores) {
    List<Op> ops = OpGenerator.generate(seed, length, features);
    return check(engine, seed, ops, features, stores);
  }

  /** Runs a given sequence (as {@link #check(String, long, int, Features, StoreSource)}). */
  public static Optional<SequenceFailure> check(
      String engine, long seed, List<Op> ops, Features features, StoreSource stores) {
    if (divergence(ops, features, stores) < 0) {
      return Optional.empty();
    }
    List<Op> shrunk =
        Shrinker.shrink(ops, candidate -> divergence(candidate, features, stores), SHRINK_BUDGET);
    List<String> expected = Model.expected(shrunk, features.ordered());
    List<String> actual = run(shrunk, features, stores);
    int at = firstDifference(expected, actual);
    if (at < 0) {
      throw new IllegalStateException(
          "engine '"
              + engine
              + "' failed seed "
              + seed
              + " but passed its shrunk sequence: it is not deterministic");
    }
    return Optional.of(
        new SequenceFailure(
            engine,
            seed,
            ops.size(),
            shrunk,
            at,
            at < expected.size() ? expected.get(at) : "(nothing)",
            at < actual.size() ? actual.get(at) : "(nothing)"));
  }

  /** The outputs of {@code ops} on a fresh store from {@code stores}. */
  static List<String> run(List<Op> ops, Features features, StoreSource stores) {
    try (StoreSource.Location location = stores.fresh()) {
      return SequenceRunner.run(ops, location::open, features.ordered());
    }
  }

  private static int divergence(List<Op> ops, Features features, StoreSource stores) {
    return firstDifference(Model.expected(ops, features.ordered()), run(ops, features, stores));
  }

  static int firstDifference(List<String> a, List<String> b) {
    for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
      if (i >= a.size() || i >= b.size() || !a.get(i).equals(b.get(i))) {
        return i;
      }
    }
    return -1;
  }
}
