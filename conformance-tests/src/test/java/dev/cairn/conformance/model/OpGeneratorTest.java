package dev.cairn.conformance.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The generator's steps of SPI 1.1, and what the model makes of them. Public, as JUnit reaches it
 * in an exported package the module does not open.
 */
public class OpGeneratorTest {

  /** Creates the test. */
  public OpGeneratorTest() {}

  private static final Features ALL = new Features(true, true, true, true, true, true, true);

  /**
   * Without the capabilities of SPI 1.1, a seed gives the sequence the generator of SPI 1.0 gave it
   * (the hash of its text, taken from that generator), so replay commands written before still
   * replay.
   */
  @Test
  public void withoutTheCapabilitiesOf11ASeedGivesTheSameSequenceAsBefore() {
    Features all10 = new Features(true, true, true, true);
    Features none = new Features(false, false, false, false);
    assertEquals(1182985220, OpGenerator.generate(5, 400, all10).toString().hashCode());
    assertEquals(-1392639898, OpGenerator.generate(5, 400, none).toString().hashCode());
    assertEquals(1647998563, OpGenerator.generate(77, 400, all10).toString().hashCode());
    assertEquals(-730567462, OpGenerator.generate(1234, 400, all10).toString().hashCode());
    assertEquals(579622552, OpGenerator.generate(1234, 400, none).toString().hashCode());
  }

  /** Every new kind of step comes up, and the model answers each of them every way it can. */
  @Test
  public void theStepsOf11ComeUpAndEndEveryWayTheyCan() {
    Map<String, Integer> seen = new TreeMap<>();
    for (long seed = 1; seed <= 20; seed++) {
      List<Op> ops = OpGenerator.generate(seed, 300, ALL);
      List<String> out = Model.expected(ops, true);
      for (int i = 0; i < ops.size(); i++) {
        String kind = kind(ops.get(i));
        if (kind != null) {
          seen.merge(kind + " -> " + out.get(i), 1, Integer::sum);
        }
      }
    }
    for (String expected :
        List.of(
            "create -> ok",
            "create -> " + Outputs.REFUSED,
            "drop -> ok",
            "drop -> " + Outputs.REFUSED,
            "conditional batch -> ok",
            "conditional batch -> " + Outputs.REJECTED,
            "batch across keyspaces -> ok",
            "batch across keyspaces -> " + Outputs.REJECTED,
            "range delete -> ok",
            "write in a keyspace -> ok",
            "write in a keyspace -> " + Outputs.REFUSED,
            "read in a keyspace -> " + Outputs.REFUSED)) {
      assertTrue(seen.containsKey(expected), () -> "never: " + expected + "; seen " + seen);
    }
  }

  private static String kind(Op op) {
    return switch (op) {
      case Op.CreateKeyspace c -> "create";
      case Op.DropKeyspace d -> "drop";
      case Op.DeleteRange d -> "range delete";
      case Op.Batch b when b.ops().stream().anyMatch(o -> Model.unwrap(o) instanceof Op.Require) ->
          "conditional batch";
      case Op.Batch b when b.ops().stream().anyMatch(o -> o instanceof Op.InKeyspace) ->
          "batch across keyspaces";
      case Op.InKeyspace k when k.op() instanceof Op.Get || k.op() instanceof Op.Scan ->
          "read in a keyspace";
      case Op.InKeyspace k -> "write in a keyspace";
      default -> null;
    };
  }

  /** A batch's preconditions read the state before it; only then do its writes apply, in order. */
  @Test
  public void theModelChecksPreconditionsBeforeApplyingAndAppliesInOrder() {
    byte[] k = {1};
    byte[] v = {2};
    List<Op> ops =
        List.of(
            new Op.Put(k, v, false),
            new Op.Batch(
                List.of(
                    new Op.Put(k, new byte[] {3}, false),
                    new Op.Require(k, v),
                    new Op.DeleteRange(null, false, null, false),
                    new Op.Put(new byte[] {9}, v, false))),
            new Op.Get(k, -1),
            new Op.Get(new byte[] {9}, -1),
            new Op.Batch(List.of(new Op.Require(new byte[] {9}, null), new Op.Delete(k))),
            new Op.Get(new byte[] {9}, -1),
            new Op.Batch(List.of(new Op.InKeyspace("ks1", new Op.Delete(k)), new Op.Delete(k))),
            new Op.Get(new byte[] {9}, -1));
    assertEquals(
        List.of(
            Outputs.OK,
            Outputs.OK,
            "null",
            "02",
            Outputs.REJECTED,
            "02",
            Outputs.REJECTED,
            "02",
            Outputs.CONSISTENT),
        Model.expected(ops, true));
  }
}
