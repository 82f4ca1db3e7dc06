package dev.cairn.conformance.model;

import java.util.List;

/**
 * A generated sequence on which an engine and the model disagree, shrunk.
 *
 * @param engine the engine's name
 * @param seed the seed that generated the original sequence
 * @param originalLength the number of steps before shrinking
 * @param shrunk the minimal failing sequence found
 * @param step the index of the first divergent step in {@code shrunk} ({@code shrunk.size()} for
 *     the final consistency check)
 * @param expected what the model answered at {@code step}
 * @param actual what the engine answered
 */
public record SequenceFailure(
    String engine,
    long seed,
    int originalLength,
    List<Op> shrunk,
    int step,
    String expected,
    String actual) {

  /** Copies the sequence. */
  public SequenceFailure {
    shrunk = List.copyOf(shrunk);
  }

  /** A report for a person: the seed, the shrunk steps, the divergence, and how to replay it. */
  public String describe(String replayCommand) {
    StringBuilder sb = new StringBuilder();
    sb.append("engine '")
        .append(engine)
        .append("' diverged from the model on seed ")
        .append(seed)
        .append(" (")
        .append(originalLength)
        .append(" steps, shrunk to ")
        .append(shrunk.size())
        .append("):");
    for (int i = 0; i < shrunk.size(); i++) {
      sb.append("\n  ").append(i).append(": ").append(shrunk.get(i));
      if (i == step) {
        sb.append("\n       expected ")
            .append(expected)
            .append("\n       actual   ")
            .append(actual);
      }
    }
    if (step >= shrunk.size()) {
      sb.append("\n  final consistency check:\n       expected ")
          .append(expected)
          .append("\n       actual   ")
          .append(actual);
    }
    sb.append("\nreplay: ").append(replayCommand);
    return sb.toString();
  }
}
