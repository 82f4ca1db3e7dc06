package dev.cairn.engine.lsm;

import java.util.List;
import java.util.PriorityQueue;

/**
 * Merges sorted runs ({@link InternalIterator}s) into one, in one direction (LevelDB's {@code
 * merger.cc}, without direction changes: a cursor's direction is fixed). A heap orders the children
 * by their current key, smallest first going forward and largest first going backward; ties, which
 * only a bug could make, go to the child listed first (the newest).
 */
final class MergingIterator implements InternalIterator {

  private final List<InternalIterator> children;
  private final boolean forward;
  private final PriorityQueue<Integer> heap;
  private InternalIterator current;

  MergingIterator(List<InternalIterator> children, boolean forward) {
    this.children = children;
    this.forward = forward;
    this.heap =
        new PriorityQueue<>(
            Math.max(1, children.size()),
            (a, b) -> {
              int c = InternalKey.compare(children.get(a).key(), children.get(b).key());
              if (!forward) {
                c = -c;
              }
              return c != 0 ? c : Integer.compare(a, b);
            });
  }

  @Override
  public boolean valid() {
    return current != null;
  }

  private void rebuild() {
    heap.clear();
    for (int i = 0; i < children.size(); i++) {
      if (children.get(i).valid()) {
        heap.add(i);
      }
    }
    top();
  }

  private void top() {
    Integer i = heap.peek();
    current = i == null ? null : children.get(i);
  }

  @Override
  public void seekToFirst() {
    requireDirection(true);
    children.forEach(InternalIterator::seekToFirst);
    rebuild();
  }

  @Override
  public void seekToLast() {
    requireDirection(false);
    children.forEach(InternalIterator::seekToLast);
    rebuild();
  }

  @Override
  public void seek(InternalKey target) {
    requireDirection(true);
    for (InternalIterator c : children) {
      c.seek(target);
    }
    rebuild();
  }

  @Override
  public void seekForPrev(InternalKey target) {
    requireDirection(false);
    for (InternalIterator c : children) {
      c.seekForPrev(target);
    }
    rebuild();
  }

  @Override
  public void next() {
    requireDirection(true);
    step();
  }

  @Override
  public void prev() {
    requireDirection(false);
    step();
  }

  private void step() {
    int i = heap.poll();
    InternalIterator c = children.get(i);
    if (forward) {
      c.next();
    } else {
      c.prev();
    }
    if (c.valid()) {
      heap.add(i);
    }
    top();
  }

  private void requireDirection(boolean wantForward) {
    if (forward != wantForward) {
      throw new IllegalStateException("a merging iterator moves one way only");
    }
  }

  @Override
  public InternalKey key() {
    return current.key();
  }

  @Override
  public byte[] value() {
    return current.value();
  }
}
