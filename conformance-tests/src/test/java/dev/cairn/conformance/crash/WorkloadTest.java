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
}
