package dev.cairn.engine.btree;

import dev.cairn.engine.btree.Node.Child;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.KeyRange;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * A write transaction: the changes of one commit group applied copy-on-write to the trees of a
 * committed {@link Version}, then spilled to new pages (bbolt's {@code node.go}: {@code spill},
 * {@code rebalance}).
 *
 * <p><b>Copy-on-write.</b> Changing a node copies it and the path above it into the transaction
 * ({@link Node#copy()}); the pages they came from are freed by this transaction, reusable only once
 * safe ({@link Freelist}). Nothing is written until {@link #spill}: readers of the committed state
 * never see a change, and a group that fails before its commit leaves nothing behind.
 *
 * <p><b>Splits and merges.</b> Inserts only grow leaves in memory; {@link #spill} splits a node
 * that outgrew its page into as many as it needs, evenly, or full ones but the last when the
 * transaction appended at its end (a sorted load then fills its pages); a leaf first shares its
 * entries with its smaller neighbour ({@link #share}, a B*-tree's redistribution). A delete that
 * leaves a node below a quarter of its page merges it with a sibling at once, up the path; a merged
 * node too large is split again at spill. A root branch with one child gives way to the child.
 *
 * <p>Owned by the writer's thread; not thread-safe.
 */
final class Tx {

  private static final Child EMPTY = new Child(0, 0, null);

  /** A keyspace's tree as this transaction sees it. */
  private static final class Tree {
    final int id;
    Child root;
    long entries;
    boolean changed;

    Tree(int id, Child root, long entries) {
      this.id = id;
      this.root = root;
      this.entries = entries;
    }
  }

  /** One node of a spilled level: the key it starts at (null for the first) and where it went. */
  private record Piece(byte[] key, BlobRef keyRef, Child child) {}

  final long txid;
  private final Pager pager;
  private final Layout layout;
  private final Map<String, Tree> trees = new TreeMap<>();
  private final List<Long> freed = new ArrayList<>();
  private int nextId;
  private boolean catalogChanged;
  private long nodesDelta;
  private long bytesDelta;

  /**
   * Dirty nodes made in an earlier epoch were published to readers ({@link #view}) and are never
   * changed again: {@link #mutable} and {@link #spill} copy them.
   */
  private int epoch;

  /** The puts and deletes applied, in order, for the log; null when not kept. */
  private List<WriteLog.Effect> journal;

  /** Whether a keyspace was created or dropped: such a transaction commits durably, unlogged. */
  private boolean structural;

  /**
   * Pages copied into this transaction (and new leaves): a bound on the working tree's size. The
   * copies of published dirty nodes replace them and are not counted.
   */
  private long dirtyMade;

  /** The most entries a leaf reached through a put: a bound on a node's growth in memory. */
  private int largestNode;

  Tx(long txid, Version base, Pager pager) {
    this.txid = txid;
    this.pager = pager;
    this.layout = pager.layout();
    base.catalog
        .roots()
        .forEach(
            (name, r) ->
                trees.put(
                    name, new Tree(r.id(), new Child(r.pageId(), r.txid(), null), r.entries())));
    this.nextId = base.catalog.nextId();
  }

  boolean changed() {
    return catalogChanged || trees.values().stream().anyMatch(t -> t.changed);
  }

  // ---- the working transaction of BUFFERED writes (decision 0026) -----------------------------

  /** Keeps the puts and deletes applied from now on, for the log. */
  void keepJournal() {
    if (journal == null) {
      journal = new ArrayList<>();
    }
  }

  boolean structural() {
    return structural;
  }

  long dirtyMade() {
    return dirtyMade;
  }

  /** The most entries a leaf of this transaction reached through a put. */
  int largestNode() {
    return largestNode;
  }

  /** The puts and deletes journaled so far: a bound on the working tree's growth in memory. */
  long effects() {
    return journal == null ? 0 : journal.size();
  }

  /** The state of the transaction at a {@link #mark()}: what a {@link #rollback} restores. */
  record Mark(
      Map<String, Object[]> trees,
      int freed,
      int nextId,
      boolean catalogChanged,
      long nodesDelta,
      long bytesDelta,
      int journal,
      boolean structural) {}

  /**
   * Freezes every dirty node made so far (a new epoch: later changes copy them) and returns the
   * state to which {@link #rollback} returns.
   */
  Mark mark() {
    epoch++;
    Map<String, Object[]> saved = new TreeMap<>();
    trees.forEach((name, t) -> saved.put(name, new Object[] {t.id, t.root, t.entries, t.changed}));
    return new Mark(
        saved,
        freed.size(),
        nextId,
        catalogChanged,
        nodesDelta,
        bytesDelta,
        journal == null ? 0 : journal.size(),
        structural);
  }

  /**
   * Undoes everything done since {@code m}: nodes made since are dropped, frozen ones untouched.
   */
  void rollback(Mark m) {
    epoch++;
    trees.clear();
    m.trees()
        .forEach(
            (name, o) -> {
              Tree t = new Tree((Integer) o[0], (Child) o[1], (Long) o[2]);
              t.changed = (Boolean) o[3];
              trees.put(name, t);
            });
    freed.subList(m.freed(), freed.size()).clear();
    nextId = m.nextId();
    catalogChanged = m.catalogChanged();
    nodesDelta = m.nodesDelta();
    bytesDelta = m.bytesDelta();
    if (journal != null) {
      journal.subList(m.journal(), journal.size()).clear();
    }
    structural = m.structural();
  }

  /** The effects journaled since {@code m}, in order. */
  List<WriteLog.Effect> journalSince(Mark m) {
    return journal == null ? List.of() : List.copyOf(journal.subList(m.journal(), journal.size()));
  }

  /** A keyspace's tree in the working state: its root (dirty or a page) and its entries. */
  record TreeView(int id, Child root, long entries) {}

  /**
   * The trees as this transaction has them now, for readers: call {@link #mark()} right after, so
   * that no node they reach changes.
   */
  Map<String, TreeView> view() {
    Map<String, TreeView> v = new TreeMap<>();
    trees.forEach((name, t) -> v.put(name, new TreeView(t.id, t.root, t.entries)));
    return v;
  }

  private Node made(Node n) {
    n.epoch = epoch;
    return n;
  }

  /** The pages this transaction freed: parts of earlier states only. */
  List<Long> freed() {
    return freed;
  }

  long nodesDelta() {
    return nodesDelta;
  }

  long bytesDelta() {
    return bytesDelta;
  }

  boolean hasKeyspace(String name) {
    return trees.containsKey(name);
  }

  private Tree tree(String keyspace) {
    Tree t = trees.get(keyspace);
    if (t == null) {
      throw new InvalidArgumentException("no keyspace '" + keyspace + "' in this store");
    }
    return t;
  }

  // ---- reads -----------------------------------------------------------------------------------

  private Node load(Child c) {
    return c.dirty() != null ? c.dirty() : pager.node(c.pageId(), c.txid());
  }

  /** The value of {@code key} as this transaction sees it, or null. */
  byte[] get(String keyspace, byte[] key) {
    Object v = find(tree(keyspace), key);
    return v == null ? null : pager.value(v);
  }

  private Object find(Tree t, byte[] key) {
    if (isEmpty(t.root)) {
      return null;
    }
    Node n = load(t.root);
    while (!n.leaf) {
      n = load(n.children.get(n.childIndex(key)));
    }
    int i = n.search(key);
    return i < 0 ? null : n.values.get(i);
  }

  private static boolean isEmpty(Child c) {
    return c.dirty() == null && c.pageId() == 0;
  }

  // ---- copy-on-write ---------------------------------------------------------------------------

  /** The node of {@code c}, made private to this transaction (its page freed when it had one). */
  private Node mutable(Child c) {
    Node d = c.dirty();
    if (d != null) {
      if (d.epoch == epoch) {
        return d;
      }
      // NB: published to readers: they may be reading it; change a copy.
      Node copy = made(d.copy());
      copy.appended = d.appended;
      return copy;
    }
    // NB: decoded into a node of its own: no reader and no other transaction sees it.
    Node copy = made(pager.nodeToChange(c.pageId(), c.txid()));
    freePage(c.pageId(), copy);
    copy.appended = true;
    dirtyMade++;
    return copy;
  }

  private void freePage(long pageId, Node clean) {
    freePage(pageId, clean.encodedSize(layout));
  }

  /** Frees node page {@code pageId}, whose body holds {@code bytes}. */
  private void freePage(long pageId, int bytes) {
    freed.add(pageId);
    nodesDelta--;
    bytesDelta -= bytes;
  }

  private void freeBlob(Object ref) {
    if (ref instanceof BlobRef r) {
      freed.addAll(Blobs.pages(r, PageFormat.OVERFLOW, pager, layout, pager.where()));
    }
  }

  // ---- writes ----------------------------------------------------------------------------------

  /** Stores {@code value} under {@code key}; both arrays now belong to the transaction. */
  void put(String keyspace, byte[] key, byte[] value) {
    Tree t = tree(keyspace);
    t.changed = true;
    if (journal != null) {
      journal.add(new WriteLog.Effect(keyspace, key, value));
    }
    if (isEmpty(t.root)) {
      Node leaf = made(Node.newLeaf());
      leaf.appended = true;
      leaf.keys.add(key);
      leaf.keyRefs.add(null);
      leaf.values.add(value);
      t.root = Child.of(leaf);
      t.entries++;
      return;
    }
    Node n = mutable(t.root);
    t.root = Child.of(n);
    while (!n.leaf) {
      int i = n.childIndex(key);
      Node c = mutable(n.children.get(i));
      n.children.set(i, Child.of(c));
      n = c;
    }
    int i = n.search(key);
    if (i >= 0) {
      freeBlob(n.values.get(i));
      n.values.set(i, value);
      return;
    }
    int at = -i - 1;
    n.appended &= at == n.size();
    n.keys.add(at, key);
    n.keyRefs.add(at, null);
    n.values.add(at, value);
    t.entries++;
    largestNode = Math.max(largestNode, n.size());
  }

  /** Removes {@code key}; true if it was there. */
  boolean delete(String keyspace, byte[] key) {
    Tree t = tree(keyspace);
    if (find(t, key) == null) {
      return false;
    }
    if (journal != null) {
      journal.add(new WriteLog.Effect(keyspace, key, null));
    }
    t.changed = true;
    List<Node> path = new ArrayList<>();
    List<Integer> indexes = new ArrayList<>();
    Node n = mutable(t.root);
    t.root = Child.of(n);
    while (!n.leaf) {
      int i = n.childIndex(key);
      Node c = mutable(n.children.get(i));
      n.children.set(i, Child.of(c));
      path.add(n);
      indexes.add(i);
      n = c;
    }
    int i = n.search(key);
    freeBlob(n.keyRefs.get(i));
    freeBlob(n.values.get(i));
    n.keys.remove(i);
    n.keyRefs.remove(i);
    n.values.remove(i);
    n.appended = false;
    t.entries--;
    rebalance(t, path, indexes, n);
    return true;
  }

  /** Removes every key of {@code range}; returns how many. */
  long deleteRange(String keyspace, KeyRange range) {
    Tree t = tree(keyspace);
    List<byte[]> keys = new ArrayList<>();
    if (!isEmpty(t.root)) {
      collect(load(t.root), range, keys);
    }
    for (byte[] k : keys) {
      delete(keyspace, k);
    }
    return keys.size();
  }

  private void collect(Node n, KeyRange range, List<byte[]> out) {
    if (n.leaf) {
      for (byte[] k : n.keys) {
        if (range.contains(k)) {
          out.add(k);
        }
      }
      return;
    }
    for (int i = 0; i < n.size(); i++) {
      // Child i holds keys in [key(i), key(i+1)): skip children wholly outside the range.
      if (i + 1 < n.size() && !range.isAboveLower(n.keys.get(i + 1))) {
        continue;
      }
      if (i > 0 && !range.isBelowUpper(n.keys.get(i))) {
        break;
      }
      collect(load(n.children.get(i)), range, out);
    }
  }

  /**
   * Merges {@code n}, just shrunk, with a sibling while it is below the merge threshold, up the
   * path; then lets a root with one child give way to it.
   */
  private void rebalance(Tree t, List<Node> path, List<Integer> indexes, Node shrunk) {
    Node n = shrunk;
    int level = path.size();
    while (level > 0) {
      if (n.size() > 1 && n.encodedSize(layout) >= layout.mergeThreshold()) {
        break;
      }
      Node parent = path.get(level - 1);
      int i = indexes.get(level - 1);
      if (parent.size() < 2) {
        n = parent;
        level--;
        continue;
      }
      int s = i > 0 ? i - 1 : i + 1;
      Node sibling = mutable(parent.children.get(s));
      parent.children.set(s, Child.of(sibling));
      int left = Math.min(i, s);
      int right = Math.max(i, s);
      Node l = left == i ? n : sibling;
      Node r = left == i ? sibling : n;
      if (!l.leaf) {
        // NB: the right node's first key stands for "everything below its second": it takes the
        // separator the parent kept for it, and the separator's overflow chain moves with it.
        r.keys.set(0, parent.keys.get(right));
        r.keyRefs.set(0, parent.keyRefs.get(right));
      } else {
        freeBlob(parent.keyRefs.get(right)); // NB: the separator goes, and its chain with it
      }
      l.keys.addAll(r.keys);
      l.keyRefs.addAll(r.keyRefs);
      if (l.leaf) {
        l.values.addAll(r.values);
      } else {
        l.children.addAll(r.children);
      }
      l.appended = false;
      parent.keys.remove(right);
      parent.keyRefs.remove(right);
      parent.children.remove(right);
      parent.children.set(left, Child.of(l));
      n = parent;
      level--;
    }
    collapseRoot(t);
  }

  private void collapseRoot(Tree t) {
    while (!isEmpty(t.root)) {
      Node root = load(t.root);
      if (root.leaf) {
        if (root.size() == 0) {
          if (t.root.dirty() == null) {
            freePage(t.root.pageId(), root);
          }
          t.root = EMPTY;
        }
        return;
      }
      if (root.size() != 1) {
        return;
      }
      if (t.root.dirty() == null) {
        freePage(t.root.pageId(), root);
      }
      t.root = root.children.get(0);
    }
  }

  // ---- keyspaces -------------------------------------------------------------------------------

  void createKeyspace(String name) {
    if (trees.containsKey(name)) {
      throw new InvalidArgumentException("keyspace '" + name + "' exists");
    }
    trees.put(name, new Tree(nextId++, EMPTY, 0));
    catalogChanged = true;
    structural = true;
  }

  /** Drops keyspace {@code name}, freeing every page of its tree. */
  void dropKeyspace(String name) {
    Tree t = tree(name);
    if (!isEmpty(t.root)) {
      freeTree(t.root);
    }
    trees.remove(name);
    catalogChanged = true;
    structural = true;
  }

  private void freeTree(Child c) {
    Node n = load(c);
    if (c.dirty() == null) {
      freePage(c.pageId(), n);
    }
    for (BlobRef r : n.blobs()) {
      freeBlob(r);
    }
    if (!n.leaf) {
      for (Child child : n.children) {
        freeTree(child);
      }
    }
  }

  // ---- relocation (compaction) ----------------------------------------------------------------

  /** What a relocation may still rewrite, and what it moved. */
  private static final class Relocation {
    final long limit;
    final long budget;
    long rewritten;
    long moved;

    Relocation(long limit, long budget) {
      this.limit = limit;
      this.budget = budget;
    }

    /**
     * Whether {@code pages} more may be rewritten, keeping room for the {@code ancestors} above
     * them, which are rewritten once their child is.
     */
    boolean room(long pages, int ancestors) {
      return rewritten + pages + ancestors <= budget;
    }
  }

  /**
   * Rewrites, copy-on-write, the nodes and overflow chains of every tree that lie on pages at or
   * above {@code limit}, and with them the nodes above them, while at most {@code budget} pages are
   * rewritten in all: spilled, they go to the lowest free pages, below {@code limit} when the
   * budget is what is free there. Nothing else changes: every key, value and keyspace stays as it
   * was.
   *
   * @return the pages at or above {@code limit} this transaction moves (nodes and chain pages)
   */
  long relocate(long limit, long budget) {
    Relocation r = new Relocation(limit, budget);
    for (Tree t : trees.values()) {
      if (isEmpty(t.root) || t.root.dirty() != null) {
        continue;
      }
      Child moved = relocate(t.root, r, 0);
      if (moved != t.root) {
        t.root = moved;
        t.changed = true;
      }
    }
    return r.moved;
  }

  private Child relocate(Child c, Relocation r, int level) {
    if (c.pageId() < r.limit && pager.inlineLeaf(c.pageId(), c.txid())) {
      return c; // NB: nothing of it lies above the limit: not decoded (most leaves of a tree)
    }
    Node clean = pager.node(c.pageId(), c.txid());
    Child[] children = null;
    if (!clean.leaf) {
      for (int i = 0; i < clean.size(); i++) {
        Child child = clean.children.get(i);
        Child moved = relocate(child, r, level + 1);
        if (moved != child) {
          if (children == null) {
            children = new Child[clean.size()];
          }
          children[i] = moved;
        }
      }
    }
    // Chains of this node with a page at or above the limit, that the budget lets move.
    List<Integer> keyChains = new ArrayList<>();
    List<Integer> valueChains = new ArrayList<>();
    long chainPages = 0;
    for (int i = 0; i < clean.size(); i++) {
      chainPages += chainToMove(clean.keyRefs.get(i), i, keyChains, r, chainPages, level);
      if (clean.leaf) {
        chainPages += chainToMove(clean.values.get(i), i, valueChains, r, chainPages, level);
      }
    }
    boolean self = c.pageId() >= r.limit;
    boolean needed = children != null || !keyChains.isEmpty() || !valueChains.isEmpty();
    if (!needed && !(self && r.room(1, level))) {
      return c;
    }
    Node copy = mutable(c);
    r.rewritten += 1 + chainPages;
    r.moved += self ? 1 : 0;
    if (children != null) {
      for (int i = 0; i < children.length; i++) {
        if (children[i] != null) {
          copy.children.set(i, children[i]);
        }
      }
    }
    for (int i : keyChains) {
      // NB: the copy holds the whole key; without its reference, spill writes a new chain.
      freeBlob(copy.keyRefs.get(i));
      copy.keyRefs.set(i, null);
    }
    for (int i : valueChains) {
      Object v = copy.values.get(i);
      copy.values.set(i, pager.value(v));
      freeBlob(v);
    }
    copy.appended = false;
    return Child.of(copy);
  }

  /**
   * When {@code ref} is a chain with a page at or above the limit, and the budget lets it and this
   * node move ({@code pending} pages of this node's chains already chosen), adds {@code i} to
   * {@code chosen} and returns the chain's pages counted as moved; else 0.
   */
  private long chainToMove(
      Object ref, int i, List<Integer> chosen, Relocation r, long pending, int level) {
    if (!(ref instanceof BlobRef b)) {
      return 0;
    }
    List<Long> pages = Blobs.pages(b, PageFormat.OVERFLOW, pager, layout, pager.where());
    long above = pages.stream().filter(id -> id >= r.limit).count();
    if (above == 0 || !r.room(pending + pages.size() + 1, level)) {
      return 0;
    }
    chosen.add(i);
    r.moved += above;
    return pages.size();
  }

  /** Makes this transaction commit even if it changes no tree: its catalog is written anew. */
  void touch() {
    catalogChanged = true;
  }

  // ---- spill -----------------------------------------------------------------------------------

  /** Where spilled pages go: allocation and the write of a sealed page. */
  interface Output extends Blobs.PageSink {
    long allocate();

    /** Called with each node written, page id and txid set. */
    void written(Node n);
  }

  /**
   * Writes every changed node and new overflow chain to new pages.
   *
   * @return the catalog of the state this transaction commits
   */
  Catalog spill(Output out) {
    Map<String, Catalog.Root> roots = new TreeMap<>();
    for (Map.Entry<String, Tree> e : trees.entrySet()) {
      Tree t = e.getValue();
      if (t.root.dirty() != null) {
        t.root = spillRoot(t.root.dirty(), out);
      }
      roots.put(e.getKey(), new Catalog.Root(t.id, t.root.pageId(), t.root.txid(), t.entries));
    }
    return new Catalog(roots, nextId);
  }

  private Child spillRoot(Node root, Output out) {
    List<Piece> pieces = spill(root, out, -1);
    while (pieces.size() > 1) {
      Node branch = Node.newBranch();
      branch.appended = root.appended;
      for (int i = 0; i < pieces.size(); i++) {
        Piece p = pieces.get(i);
        branch.keys.add(i == 0 ? new byte[0] : p.key());
        branch.keyRefs.add(i == 0 ? null : p.keyRef());
        branch.children.add(p.child());
      }
      pieces = spill(branch, out, -1);
    }
    return pieces.isEmpty() ? EMPTY : pieces.getFirst().child();
  }

  /**
   * Writes {@code published} and the dirty nodes below it.
   *
   * @param size the node's {@link Node#encodedSize}, when {@link #share} measured it; else -1
   */
  private List<Piece> spill(Node published, Output out, int size) {
    Node n = published;
    if (!n.leaf) {
      if (n.epoch != epoch) {
        n = ownCopy(published); // NB: readers of the working state may be reading it
      }
      spillChildren(n, out);
      size = -1; // NB: its children, spilled, are references now
    }
    if (n.size() == 0) {
      return List.of();
    }
    LongSupplier allocate = out::allocate;
    for (int i = 0; i < n.size(); i++) {
      boolean keyChain = n.keyRefs.get(i) == null && n.keys.get(i).length > layout.maxInlineKey();
      boolean valueChain =
          n.leaf
              && n.values.get(i) instanceof byte[] v
              && !Node.valueInline(v, n.prefixSize(i, layout), layout);
      if ((keyChain || valueChain) && n.epoch != epoch) {
        // NB: a leaf readers may be reading gets its references in a copy; one that needs none is
        // written as it is (split makes new nodes of its parts and changes none of its entries).
        n = ownCopy(published);
      }
      if (keyChain) {
        n.keyRefs.set(
            i, Blobs.write(n.keys.get(i), PageFormat.OVERFLOW, txid, allocate, out, layout));
      }
      if (valueChain) {
        byte[] v = (byte[]) n.values.get(i);
        n.values.set(i, Blobs.write(v, PageFormat.OVERFLOW, txid, allocate, out, layout));
      }
    }
    // NB: an entry's size is the same before and after its chains are written (Node.entrySize).
    List<Node> parts = split(n, size >= 0 ? size : n.encodedSize(layout));
    List<Piece> pieces = new ArrayList<>(parts.size());
    for (int j = 0; j < parts.size(); j++) {
      Node part = parts.get(j);
      byte[] key = null;
      BlobRef keyRef = null;
      if (j > 0) {
        if (part.leaf) {
          key = separator(parts.get(j - 1).keys.getLast(), part.keys.getFirst());
        } else {
          key = part.keys.getFirst();
          keyRef = part.keyRefs.getFirst();
          part.keys.set(0, new byte[0]);
          part.keyRefs.set(0, null);
        }
      }
      long id = out.allocate();
      part.pageId = id;
      part.txid = txid;
      byte[] page = new byte[layout.pageSize()];
      int body = part.encode(page, id, txid, layout);
      out.write(id, page);
      nodesDelta++;
      bytesDelta += body;
      out.written(part);
      pieces.add(new Piece(key, keyRef, new Child(id, txid, null)));
    }
    return pieces;
  }

  /** A copy of {@code published}, made in this epoch, for the spill to change. */
  private Node ownCopy(Node published) {
    Node n = published.copy();
    n.appended = published.appended;
    n.epoch = epoch;
    return n;
  }

  private void spillChildren(Node n, Output out) {
    int[] sizes = share(n);
    ArrayList<byte[]> keys = new ArrayList<>(n.size() + 4);
    ArrayList<BlobRef> refs = new ArrayList<>(n.size() + 4);
    ArrayList<Child> children = new ArrayList<>(n.size() + 4);
    boolean appended = n.appended;
    for (int i = 0; i < n.size(); i++) {
      Child c = n.children.get(i);
      if (c.dirty() == null) {
        keys.add(n.keys.get(i));
        refs.add(n.keyRefs.get(i));
        children.add(c);
        continue;
      }
      boolean childAppended = c.dirty().appended;
      List<Piece> ps = spill(c.dirty(), out, sizes[i]);
      if (ps.isEmpty()) {
        freeBlob(n.keyRefs.get(i));
        continue;
      }
      if (ps.size() > 1 && (i + 1 < n.size() || !childAppended)) {
        appended = false;
      }
      keys.add(n.keys.get(i));
      refs.add(n.keyRefs.get(i));
      children.add(ps.getFirst().child());
      for (int j = 1; j < ps.size(); j++) {
        keys.add(ps.get(j).key());
        refs.add(ps.get(j).keyRef());
        children.add(ps.get(j).child());
      }
    }
    if (!keys.isEmpty()) {
      // The first child's key stands for "everything below the second": empty, with no chain.
      freeBlob(refs.getFirst());
      keys.set(0, new byte[0]);
      refs.set(0, null);
    }
    n.keys.clear();
    n.keys.addAll(keys);
    n.keyRefs.clear();
    n.keyRefs.addAll(refs);
    n.children.clear();
    n.children.addAll(children);
    n.appended = appended;
  }

  /**
   * Lets each leaf child of {@code n} that outgrew its page share its entries with its smaller
   * neighbour before it is split (a B*-tree's redistribution): the two become one node, which
   * {@link #split} cuts evenly. A leaf just over a page and a neighbour with room become two fuller
   * pages instead of three; two full ones become three two-thirds full instead of two halves and a
   * full one. A random load so leaves its leaves about 85 % full, not the 69 % of splits in two.
   * The neighbour, if clean, is copied and its page freed like any changed node; a load in key
   * order ({@link Node#appended}) fills its pages without it.
   */
  private int[] share(Node n) {
    int body = layout.body();
    int[] sizes = new int[n.size()]; // of dirty leaves, once measured; else -1
    Arrays.fill(sizes, -1);
    for (int i = 0; i < n.size(); i++) {
      Node d = n.children.get(i).dirty();
      if (d == null || !d.leaf || d.appended || dirtySize(n, i, sizes) <= body) {
        continue;
      }
      int s = -1;
      int smallest = Integer.MAX_VALUE;
      for (int j = i - 1; j <= i + 1; j += 2) {
        if (j >= 0 && j < n.size()) {
          Child c = n.children.get(j);
          // NB: a clean neighbour's size is read from its page: only the one chosen is decoded.
          int size =
              c.dirty() != null ? dirtySize(n, j, sizes) : pager.encodedSize(c.pageId(), c.txid());
          if (size < smallest) {
            s = j;
            smallest = size;
          }
        }
      }
      if (s < 0) {
        continue;
      }
      Child sc = n.children.get(s);
      Node sibling = load(sc);
      if (sc.dirty() == null) {
        freePage(sc.pageId(), smallest);
      }
      int left = Math.min(i, s);
      int right = Math.max(i, s);
      Node l = left == i ? d : sibling;
      Node r = left == i ? sibling : d;
      Node m = made(Node.newLeaf());
      for (Node part : List.of(l, r)) {
        m.keys.addAll(part.keys);
        m.keyRefs.addAll(part.keyRefs);
        m.values.addAll(part.values);
      }
      // NB: the separator between the two goes; split makes new ones.
      freeBlob(n.keyRefs.get(right));
      n.keys.remove(right);
      n.keyRefs.remove(right);
      n.children.remove(right);
      n.children.set(left, Child.of(m));
      sizes[left] = sizes[i] + smallest;
      System.arraycopy(sizes, right + 1, sizes, right, n.size() - right);
      sizes[n.size()] = -1;
      i = left;
    }
    return sizes;
  }

  /** The encoded size of dirty child {@code i} of {@code n}, measured once into {@code sizes}. */
  private int dirtySize(Node n, int i, int[] sizes) {
    if (sizes[i] < 0) {
      sizes[i] = n.children.get(i).dirty().encodedSize(layout);
    }
    return sizes[i];
  }

  /** {@code n}, whose entries take {@code total} bytes, cut into nodes that each fit a page. */
  private List<Node> split(Node n, int total) {
    int body = layout.body();
    if (total <= body) {
      return List.of(n);
    }
    int pages = (total + body - 1) / body;
    while (true) {
      List<Node> parts = cut(n, n.appended ? body : (total + pages - 1) / pages);
      if (parts.size() <= pages || n.appended) {
        return parts;
      }
      // NB: entries are whole, so bytes alone can count a page too few: the even cut then left a
      // last part of a few entries (two leaves of 34 entries of 118 bytes and one of 1, where
      // three of 23 fit). Cut evenly into one page more.
      pages++;
    }
  }

  /** {@code n} cut into parts of at most a page, each closed once it holds {@code target} bytes. */
  private List<Node> cut(Node n, int target) {
    int body = layout.body();
    List<Node> parts = new ArrayList<>();
    Node part = n.leaf ? Node.newLeaf() : Node.newBranch();
    int used = 0;
    for (int i = 0; i < n.size(); i++) {
      int size = n.entrySize(i, layout);
      if (part.size() > 0 && (used + size > body || used >= target)) {
        parts.add(part);
        part = n.leaf ? Node.newLeaf() : Node.newBranch();
        used = 0;
      }
      part.keys.add(n.keys.get(i));
      part.keyRefs.add(n.keyRefs.get(i));
      if (n.leaf) {
        part.values.add(n.values.get(i));
      } else {
        part.children.add(n.children.get(i));
      }
      used += size;
    }
    parts.add(part);
    return parts;
  }

  /** The shortest key above {@code last} and at most {@code first} ({@code last < first}). */
  static byte[] separator(byte[] last, byte[] first) {
    int p = Arrays.mismatch(last, first);
    // NB: last < first, so they differ at p < first.length, or last is a prefix of first.
    return Arrays.copyOf(first, Math.min(first.length, p + 1));
  }
}
