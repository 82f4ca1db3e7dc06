package dev.cairn.bench.workload;

import java.util.SplittableRandom;

/**
 * Zipfian record numbers in {@code [0, items)}: number 0 is the most popular, number {@code i} is
 * chosen with probability proportional to {@code 1 / (i + 1)^theta}.
 *
 * <p>Thread-safe (immutable). The algorithm is the one YCSB's {@code ZipfianGenerator} uses, from
 * Gray et al., "Quickly Generating Billion-Record Synthetic Databases" (SIGMOD 1994): with {@code
 * zeta(n) = sum_{i=1..n} 1/i^theta}, a uniform {@code u} maps to 0 when {@code u * zeta(n) < 1}, to
 * 1 when below {@code 1 + 0.5^theta}, and otherwise to {@code n * (eta * u - eta + 1)^alpha} with
 * {@code alpha = 1/(1-theta)} and {@code eta = (1 - (2/n)^(1-theta)) / (1 - zeta(2)/zeta(n))}.
 * Computing {@code zeta(n)} costs O(n) once; {@link #withZeta} skips it when the constant is known
 * (YCSB's scrambled zipfian uses the precomputed zeta of ten billion items).
 */
public final class ZipfianChooser implements KeyChooser {

  /** YCSB's default skew. */
  public static final double THETA = 0.99;

  private final long items;
  private final double theta;
  private final double zetaN;
  private final double zeta2;
  private final double alpha;
  private final double eta;

  private ZipfianChooser(long items, double theta, double zetaN) {
    if (items < 1) {
      throw new IllegalArgumentException("items must be >= 1, got " + items);
    }
    if (!(theta > 0 && theta < 1)) {
      throw new IllegalArgumentException("theta must be in (0, 1), got " + theta);
    }
    this.items = items;
    this.theta = theta;
    this.zetaN = zetaN;
    this.zeta2 = zeta(2, theta);
    this.alpha = 1.0 / (1.0 - theta);
    this.eta = (1 - Math.pow(2.0 / items, 1 - theta)) / (1 - zeta2 / zetaN);
  }

  /** A zipfian chooser over {@code items} with {@link #THETA}. */
  public static ZipfianChooser of(long items) {
    return new ZipfianChooser(items, THETA, zeta(items, THETA));
  }

  /** A zipfian chooser over {@code items} with a known {@code zeta(items, theta)}. */
  public static ZipfianChooser withZeta(long items, double theta, double zetaN) {
    return new ZipfianChooser(items, theta, zetaN);
  }

  /** {@code sum_{i=1..n} 1 / i^theta}. */
  static double zeta(long n, double theta) {
    double sum = 0;
    for (long i = 1; i <= n; i++) {
      sum += 1 / Math.pow(i, theta);
    }
    return sum;
  }

  /** The number of items. */
  public long items() {
    return items;
  }

  @Override
  public long next(SplittableRandom random) {
    double u = random.nextDouble();
    double uz = u * zetaN;
    if (uz < 1.0) {
      return 0;
    }
    if (uz < 1.0 + Math.pow(0.5, theta)) {
      return Math.min(1, items - 1);
    }
    long v = (long) (items * Math.pow(eta * u - eta + 1, alpha));
    return Math.min(v, items - 1);
  }
}
