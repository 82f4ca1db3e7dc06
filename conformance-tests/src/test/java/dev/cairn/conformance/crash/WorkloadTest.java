package dev.cairn.conformance.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.Durability;
import dev.cairn.spi.WriteBatch;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

/** What the crash workloads write: every value size class, every write form, in every campaign. */
public class WorkloadTest {

  /** Creates the test. */
  public WorkloadTest() {}

  private static final int OPS = 5000;

  /** The size classes a workload must write, by name. */
  private static final List<SizeClass> CLASSES =
      List.of(
          new SizeClass("empty", n -> n == 0),
          new SizeClass("small", n -> n > 0 && n < 512),
          new SizeClass("around a page", n -> Math.abs(n - 4096) <= 64),
          new SizeClass("around 64 KiB", n -> Math.abs(n - 65536) <= 64),
          new SizeClass("around 1 MiB", n -> Math.abs(n - (1 << 20)) <= 64));

  private record SizeClass(String name, IntPredicate contains) {}

  /** What a list of operations covers: size classes and write forms, by name. */
  private static Set<String> coverage(List<Op> ops) {
    Set<String> seen = new TreeSet<>();
    List<byte[]> values = new ArrayList<>();
    for (Op op : ops) {
      switch (op) {
        case Op.Put p -> {
          values.add(p.value());
          seen.add("put " + form(p.durability(), p.byDefault()));
        }
        case Op.Delete d -> seen.add("delete " + form(d.durability(), d.byDefault()));
        case Op.Batch b -> {
          b.operations().forEach(o -> values.add(o instanceof WriteBatch.Put p ? p.value() : null));
          seen.add("batch " + form(b.durability(), b.byDefault()));
        }
        default -> {}
      }
    }
    for (byte[] v : values) {
      if (v != null) {
        CLASSES.stream()
            .filter(c -> c.contains.test(v.length))
            .forEach(c -> seen.add("value " + c.name));
      }
    }
    return seen;
  }

  private static String form(Durability d, boolean byDefault) {
    return byDefault ? "by default" : d.toString();
  }

  private static final Set<String> EVERYTHING =
      new TreeSet<>(
          List.of(
              "put SYNC",
              "put BUFFERED",
              "put by default",
              "delete SYNC",
              "delete BUFFERED",
              "delete by default",
              "batch SYNC",
              "batch BUFFERED",
              "batch by default",
              "value empty",
              "value small",
              "value around a page",
              "value around 64 KiB",
              "value around 1 MiB"));

  @Test
  public void powerCutWorkloadsWriteEverySizeClassInEveryForm() {
    Workload.Shape shape = new Workload.Shape(true, true, true, true, 12);
    assertEquals(EVERYTHING, coverage(Workload.generate(1, OPS, shape)));
  }

  @Test
  public void killWorkloadsWriteEverySizeClassInEveryForm() {
    Workload.Shape shape =
        new Workload.Shape(true, true, true, true, 12).withoutCheckpointsOrReopens().withoutReads();
    assertEquals(EVERYTHING, coverage(Workload.generate(2, OPS, shape)));
  }

  @Test
  public void writesThatNameNoDurabilityAreOwedTheStoresDefault() {
    for (Op op : Workload.generate(3, OPS, new Workload.Shape(true, false, false, false, 12))) {
      if (op instanceof Op.Put p && p.byDefault()) {
        assertEquals(StoreSession.DEFAULT_DURABILITY, p.durability(), op::toString);
      }
    }
    assertEquals(
        StoreSession.DEFAULT_DURABILITY,
        StoreSession.options(java.nio.file.Path.of("unused")).defaultDurability());
  }

  @Test
  public void valuesOfEverySizeNameTheirStepAndCatchDamage() {
    byte[] key = "key-07".getBytes(StandardCharsets.ISO_8859_1);
    for (int size : new int[] {0, 1, 17, 4095, 4096, 4097, 65_536, 1 << 20}) {
      byte[] v = Values.of(key, 42, size);
      assertTrue(v.length == size || size > 0 && size < 17, () -> "size " + size);
      int state = Values.state(key, v);
      assertEquals(size == 0 ? Values.EMPTY : 42, state, () -> "size " + size);
      assertEquals(state, Values.written(42, v));
      if (v.length > 0) {
        byte[] damaged = v.clone();
        damaged[damaged.length / 2] ^= 1;
        assertEquals(Values.FOREIGN, Values.state(key, damaged), () -> "damaged, size " + size);
        byte[] otherKey = "key-08".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(Values.FOREIGN, Values.state(otherKey, v), () -> "other key, size " + size);
      }
    }
  }

  @Test
  public void theOracleTellsAnEmptyValueFromAnAbsentKey() {
    byte[] key = Workload.key(1);
    Oracle oracle = new Oracle();
    oracle.acked(new Op.Put(0, key, Values.of(key, 0, 0), Durability.SYNC, false));
    assertEquals(null, oracle.verify(java.util.Map.of(Op.name(key), Values.EMPTY), false));
    String wrong = oracle.verify(java.util.Map.of(), false);
    assertTrue(wrong != null && wrong.contains("expected an empty value, found absent"), wrong);
  }

  private static final Workload.Shape ALL_OF_11 =
      new Workload.Shape(true, true, true, true, 12, true, true, true);

  /** The steps of SPI 1.1 come up in a workload whose shape allows them, and only then. */
  @Test
  public void workloadsOf11CreateAndDropKeyspacesDeleteRangesAndMakeConditionalBatches() {
    Set<String> seen = new TreeSet<>();
    for (Op op : Workload.generate(4, OPS, ALL_OF_11)) {
      switch (op) {
        case Op.CreateKeyspace c -> seen.add("create");
        case Op.DropKeyspace d -> seen.add("drop");
        case Op.Put p when !p.keyspace().equals("default") -> seen.add("put in a keyspace");
        case Op.Delete d when !d.keyspace().equals("default") -> seen.add("delete in a keyspace");
        case Op.DeleteRange r -> seen.add("range delete");
        case Op.Batch b when !b.preconditions().isEmpty() -> seen.add("conditional batch");
        case Op.Batch b when b.keyspaces().size() > 1 -> seen.add("batch across keyspaces");
        case Op.Batch b
            when b.operations().stream().anyMatch(o -> o instanceof WriteBatch.DeleteRange) ->
            seen.add("range delete in a batch");
        default -> {}
      }
    }
    assertEquals(
        new TreeSet<>(
            List.of(
                "create",
                "drop",
                "put in a keyspace",
                "delete in a keyspace",
                "range delete",
                "conditional batch",
                "batch across keyspaces",
                "range delete in a batch")),
        seen);
    String old =
        Workload.generate(4, OPS, new Workload.Shape(true, true, true, true, 12)).toString();
    assertTrue(!old.contains("Keyspace") && !old.contains("require") && !old.contains("ks-"), old);
  }

  /** Followed as a correct engine would run them, conditional batches both apply and conflict. */
  @Test
  public void conditionalBatchesOfAWorkloadBothApplyAndConflict() {
    java.util.Map<String, Integer> state = new java.util.TreeMap<>();
    int applied = 0;
    int conflicts = 0;
    for (Op op : Workload.generate(5, 2000, ALL_OF_11)) {
      if (op instanceof Op.Batch b && !b.preconditions().isEmpty()) {
        if (b.possibleIn(state)) {
          applied++;
        } else {
          conflicts++;
        }
      }
      if (op.possibleIn(state)) {
        op.applyTo(state);
      }
    }
    assertTrue(applied > 20 && conflicts > 20, "applied " + applied + ", conflicts " + conflicts);
  }

  private static final byte[] K1 = Workload.key(1);
  private static final byte[] K2 = Workload.key(2);

  private static Op.Put put(int step, String keyspace, byte[] key) {
    return new Op.Put(
        step,
        keyspace,
        key,
        Values.of(Op.valueKey(keyspace, key), step, 20),
        Durability.SYNC,
        false);
  }

  /**
   * A drop that may or may not have happened leaves the keyspace whole or gone, nothing between.
   */
  @Test
  public void theOracleWantsAKeyspaceDroppedWholeOrNotAtAll() {
    Oracle oracle = new Oracle();
    oracle.acked(new Op.CreateKeyspace(0, "ks-a"));
    oracle.acked(put(1, "ks-a", K1));
    oracle.acked(put(2, "ks-a", K2));
    oracle.failed(new Op.DropKeyspace(3, "ks-a"));
    java.util.Map<String, Integer> whole =
        java.util.Map.of("ks-a/", Values.KEYSPACE, "ks-a/key-01", 1, "ks-a/key-02", 2);
    assertEquals(null, oracle.verify(whole, false));
    assertEquals(null, oracle.verify(java.util.Map.of(), false));
    assertTrue(
        oracle.verify(java.util.Map.of("ks-a/", Values.KEYSPACE, "ks-a/key-02", 2), false) != null,
        "a keyspace half dropped passed");
    assertTrue(
        oracle.verify(java.util.Map.of("ks-a/key-01", 1, "ks-a/key-02", 2), false) != null,
        "keys of a keyspace that is gone passed");
  }

  /** A conditional batch refused for its precondition changed nothing; an acknowledged one did. */
  @Test
  public void theOracleWantsNothingOfAConflictingBatch() {
    Oracle oracle = new Oracle();
    oracle.acked(put(0, "default", K1));
    Op.Batch conditional =
        new Op.Batch(
            1,
            List.of(new Op.Write("default", new WriteBatch.Put(K2, Values.of(K2, 1, 20)))),
            List.of(new WriteBatch.Precondition("default", K1, null)),
            Durability.SYNC,
            false);
    oracle.conflicted(conditional);
    assertEquals(null, oracle.verify(java.util.Map.of("key-01", 0), false));
    assertTrue(
        oracle.verify(java.util.Map.of("key-01", 0, "key-02", 1), false) != null,
        "the writes of a batch whose precondition failed passed");
    Oracle acked = new Oracle();
    acked.acked(put(0, "default", K1));
    Op.Batch holds =
        new Op.Batch(
            1,
            List.of(new Op.Write("default", new WriteBatch.Put(K2, Values.of(K2, 1, 20)))),
            List.of(new WriteBatch.Precondition("default", K1, Values.of(K1, 0, 20))),
            Durability.SYNC,
            false);
    assertTrue(holds.possibleIn(acked.current()), "the precondition reads the value of step 0");
    acked.acked(holds);
    assertEquals(null, acked.verify(java.util.Map.of("key-01", 0, "key-02", 1), false));
    assertTrue(acked.verify(java.util.Map.of("key-01", 0), false) != null);
  }

  /** A range delete in a batch between two puts: the first put deleted, the second kept. */
  @Test
  public void theOracleAppliesARangeDeleteInOrderWithinItsBatch() {
    Oracle oracle = new Oracle();
    oracle.acked(put(0, "default", Workload.key(3)));
    Op.Batch b =
        new Op.Batch(
            1,
            List.of(
                new Op.Write("default", new WriteBatch.Put(K1, Values.of(K1, 1, 20))),
                new Op.Write(
                    "default",
                    new WriteBatch.DeleteRange(
                        dev.cairn.spi.KeyRange.between(Workload.key(0), Workload.key(3)))),
                new Op.Write("default", new WriteBatch.Put(K2, Values.of(K2, 1, 20)))),
            List.of(),
            Durability.SYNC,
            false);
    oracle.acked(b);
    assertEquals(null, oracle.verify(java.util.Map.of("key-02", 1, "key-03", 0), false));
    assertTrue(
        oracle.verify(java.util.Map.of("key-01", 1, "key-02", 1, "key-03", 0), false) != null);
  }
}
