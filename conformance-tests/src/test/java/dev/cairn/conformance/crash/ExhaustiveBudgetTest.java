package dev.cairn.conformance.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The exhaustive campaign's sampling of crash states once a workload is past its budget. */
class ExhaustiveBudgetTest {

  private static List<Integer> states(int n) {
    return IntStream.range(0, n).boxed().toList();
  }

  @Test
  void aCrashPointPastTheBudgetChecksAFixedNumberOfItsStatesFirstAndLastAmongThem() {
    List<Integer> all = states(1024);
    List<Integer> picked = ExhaustiveCampaign.sample(all, new SplittableRandom(7));
    assertEquals(ExhaustiveCampaign.OVER_BUDGET_CHOICES, picked.size());
    assertEquals(picked.size(), new HashSet<>(picked).size(), "distinct: " + picked);
    assertEquals(0, picked.getFirst(), "nothing kept (or least) is always checked");
    assertEquals(1023, picked.getLast(), "the last state is always checked");
    assertEquals(
        picked,
        ExhaustiveCampaign.sample(all, new SplittableRandom(7)),
        "the same seed picks the same states, so a trial replays");
    assertTrue(picked.stream().anyMatch(i -> i > 0 && i < 1023), "others drawn: " + picked);
  }

  @Test
  void aCrashPointWithFewStatesChecksThemAll() {
    List<Integer> few = states(ExhaustiveCampaign.OVER_BUDGET_CHOICES);
    assertSame(few, ExhaustiveCampaign.sample(few, new SplittableRandom(1)));
  }
}
