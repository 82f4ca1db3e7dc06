package dev.cairn.conformance;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.conformance.linearizability.Call;
import dev.cairn.conformance.linearizability.Call.Kind;
import dev.cairn.conformance.linearizability.LinearizabilityChecker;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Hand-made histories with known answers. */
class LinearizabilityCheckerTest {

  private static Call c(int client, Kind k, int value, long from, long to) {
    return new Call(client, k, 0, value, from, to);
  }

  @Test
  void aSequentialHistoryThatFollowsTheRegisterIsLinearizable() {
    assertTrue(
        LinearizabilityChecker.check(
                List.of(
                    c(0, Kind.GET, Call.ABSENT, 0, 1),
                    c(0, Kind.PUT, 5, 2, 3),
                    c(1, Kind.GET, 5, 4, 5),
                    c(1, Kind.DELETE, Call.ABSENT, 6, 7),
                    c(0, Kind.GET, Call.ABSENT, 8, 9)))
            .isEmpty());
  }

  /**
   * A long history of one key (a 100-stop nemesis run records about 100,000 calls a key): the
   * search keeps one explored pair per linearized call, which, holding a copy of the set of
   * linearized calls each, filled a 1 GB heap; with a hash per pair it fits. Its last read is then
   * made stale, which must still be found.
   */
  @Test
  void aLongHistoryOfOneKeyIsCheckedAndAStaleReadAtItsEndFound() {
    List<Call> calls = new ArrayList<>();
    long t = 0;
    for (int i = 0; i < 100_000; i++) {
      calls.add(c(i % 4, Kind.PUT, i, t, t + 1));
      calls.add(c((i + 1) % 4, Kind.GET, i, t + 2, t + 3));
      t += 4;
    }
    assertTrue(LinearizabilityChecker.check(calls).isEmpty());
    calls.add(c(0, Kind.GET, 99_998, t, t + 1));
    assertTrue(LinearizabilityChecker.check(calls).isPresent());
  }

  @Test
  void aStaleReadAfterAWriteReturnedIsNot() {
    Optional<String> r =
        LinearizabilityChecker.check(
            List.of(c(0, Kind.PUT, 1, 0, 1), c(0, Kind.PUT, 2, 2, 3), c(1, Kind.GET, 1, 4, 5)));
    assertTrue(r.isPresent());
    assertTrue(r.get().contains("k0"), r.get());
  }

  @Test
  void aReadOfAValueNeverWrittenIsNot() {
    assertTrue(LinearizabilityChecker.check(List.of(c(0, Kind.GET, 9, 0, 1))).isPresent());
  }

  @Test
  void overlappingCallsMayTakeEffectInEitherOrder() {
    // Two writes overlap; readers after both may see either, but then not switch back.
    assertTrue(
        LinearizabilityChecker.check(
                List.of(
                    c(0, Kind.PUT, 1, 0, 10),
                    c(1, Kind.PUT, 2, 0, 10),
                    c(2, Kind.GET, 1, 11, 12),
                    c(2, Kind.GET, 1, 13, 14)))
            .isEmpty());
    assertTrue(
        LinearizabilityChecker.check(
                List.of(
                    c(0, Kind.PUT, 1, 0, 10),
                    c(1, Kind.PUT, 2, 0, 10),
                    c(2, Kind.GET, 1, 11, 12),
                    c(2, Kind.GET, 2, 13, 14)))
            .isPresent());
  }

  @Test
  void aReadOverlappingAWriteMaySeeEitherValue() {
    assertTrue(
        LinearizabilityChecker.check(
                List.of(
                    c(0, Kind.PUT, 1, 0, 1),
                    c(1, Kind.PUT, 2, 2, 10),
                    c(2, Kind.GET, 1, 3, 4),
                    c(2, Kind.GET, 2, 5, 6)))
            .isEmpty());
  }

  @Test
  void keysAreCheckedIndependently() {
    List<Call> h = new ArrayList<>();
    for (int k = 0; k < 3; k++) {
      h.add(new Call(0, Kind.PUT, k, k, 10 * k, 10 * k + 1));
      h.add(new Call(1, Kind.GET, k, k, 10 * k + 2, 10 * k + 3));
    }
    assertTrue(LinearizabilityChecker.check(h).isEmpty());
    h.add(new Call(1, Kind.GET, 2, 1, 100, 101));
    assertTrue(LinearizabilityChecker.check(h).orElseThrow().contains("k2"));
  }

  private static Call cas(
      int client, int expected, int value, boolean applied, long from, long to) {
    return Call.conditional(client, 0, expected, value, false, applied, from, to);
  }

  @Test
  void twoOverlappingPutIfAbsentsCannotBothApply() {
    assertTrue(
        LinearizabilityChecker.check(
                List.of(cas(0, Call.ABSENT, 1, true, 0, 10), cas(1, Call.ABSENT, 2, false, 0, 10)))
            .isEmpty());
    Optional<String> r =
        LinearizabilityChecker.check(
            List.of(cas(0, Call.ABSENT, 1, true, 0, 10), cas(1, Call.ABSENT, 2, true, 0, 10)));
    assertTrue(r.isPresent());
    assertTrue(r.get().contains("PUT_IF_ABSENT(k0) 2 -> true"), r.get());
  }

  @Test
  void aReplaceAppliesOnlyToTheValueItExpects() {
    // put 1, replace 1 -> 2, replace 1 -> 3 must conflict once 2 is in; reads follow the winner
    assertTrue(
        LinearizabilityChecker.check(
                List.of(
                    c(0, Kind.PUT, 1, 0, 1),
                    cas(0, 1, 2, true, 2, 3),
                    cas(1, 1, 3, false, 4, 5),
                    c(1, Kind.GET, 2, 6, 7)))
            .isEmpty());
    assertTrue(
        LinearizabilityChecker.check(
                List.of(
                    c(0, Kind.PUT, 1, 0, 1), cas(0, 1, 2, true, 2, 3), cas(1, 1, 3, true, 4, 5)))
            .isPresent(),
        "a replace applied to a value that was already replaced");
    assertTrue(
        LinearizabilityChecker.check(List.of(c(0, Kind.PUT, 1, 0, 1), cas(1, 1, 3, false, 2, 3)))
            .isPresent(),
        "a conflict although the key held the expected value");
  }

  @Test
  void aConditionalDeleteLeavesTheKeyAbsent() {
    assertTrue(
        LinearizabilityChecker.check(
                List.of(
                    c(0, Kind.PUT, 1, 0, 1),
                    Call.conditional(0, 0, 1, 0, true, true, 2, 3),
                    cas(1, Call.ABSENT, 5, true, 4, 5)))
            .isEmpty());
    assertTrue(
        LinearizabilityChecker.check(
                List.of(
                    c(0, Kind.PUT, 1, 0, 1),
                    Call.conditional(0, 0, 1, 0, true, true, 2, 3),
                    c(1, Kind.GET, 1, 4, 5)))
            .isPresent());
  }

  @Test
  void aLongConcurrentHistoryIsCheckedQuickly() {
    // 4 clients, 200 calls each, all overlapping in pairs: the memoisation keeps this tractable.
    List<Call> h = new ArrayList<>();
    long t = 0;
    int value = 0;
    for (int i = 0; i < 200; i++) {
      h.add(c(0, Kind.PUT, ++value, t, t + 3));
      h.add(c(1, Kind.GET, value, t + 1, t + 4));
      h.add(c(2, Kind.GET, value, t + 2, t + 5));
      h.add(c(3, Kind.GET, value, t + 2, t + 6));
      t += 10;
    }
    assertTrue(LinearizabilityChecker.check(h).isEmpty());
  }

  // Conditional calls: each records whether it applied, which the register must explain.

  @Test
  void twoPutIfAbsentThatBothWinAreNot() {
    // Overlapping, so either could go first; but only the first of them can find the key absent.
    assertTrue(
        LinearizabilityChecker.check(
                List.of(
                    Call.putIfAbsent(0, 0, 1, true, 0, 10), Call.putIfAbsent(1, 0, 2, true, 0, 10)))
            .isPresent());
    assertTrue(
        LinearizabilityChecker.check(
                List.of(
                    Call.putIfAbsent(0, 0, 1, true, 0, 10),
                    Call.putIfAbsent(1, 0, 2, false, 0, 10),
                    c(2, Kind.GET, 1, 11, 12)))
            .isEmpty());
  }

  @Test
  void aReplaceAppliesExactlyWhenTheExpectedValueIsHeld() {
    assertTrue(
        LinearizabilityChecker.check(
                List.of(
                    c(0, Kind.PUT, 1, 0, 1),
                    Call.replace(0, 0, 1, 2, true, 2, 3),
                    c(0, Kind.GET, 2, 4, 5),
                    Call.replace(1, 0, 1, 3, false, 6, 7),
                    Call.deleteIfEquals(1, 0, 2, true, 8, 9),
                    c(1, Kind.GET, Call.ABSENT, 10, 11)))
            .isEmpty());
    // A replace that applied though another value was held (a lost update): not linearizable.
    assertTrue(
        LinearizabilityChecker.check(
                List.of(
                    c(0, Kind.PUT, 1, 0, 1),
                    Call.replace(0, 0, 1, 2, true, 2, 3),
                    Call.replace(1, 0, 1, 3, true, 4, 5)))
            .isPresent());
    // A replace that failed though the expected value was held: not linearizable either.
    assertTrue(
        LinearizabilityChecker.check(
                List.of(c(0, Kind.PUT, 1, 0, 1), Call.replace(1, 0, 1, 3, false, 2, 3)))
            .isPresent());
    // A deleteIfEquals of an absent key cannot apply.
    assertTrue(
        LinearizabilityChecker.check(List.of(Call.deleteIfEquals(0, 0, 5, true, 0, 1)))
            .isPresent());
  }
}
