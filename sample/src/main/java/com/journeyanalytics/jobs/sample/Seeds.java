package com.journeyanalytics.jobs.sample;

import java.util.SplittableRandom;

/**
 * Deterministic random streams: every stream is keyed by the run seed and a few integers
 * (account index, day, purpose), so any piece of history can be regenerated on its own and in
 * any order, which is what lets the generator stream one export day at a time.
 */
final class Seeds {

  private Seeds() {}

  static SplittableRandom random(long seed, long... keys) {
    long h = mix(seed ^ 0x5DEECE66DL);
    for (long k : keys) {
      h = mix(h ^ (k * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L));
    }
    return new SplittableRandom(h);
  }

  /** SplitMix64 finalizer. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  static <T> T pick(SplittableRandom r, T[] values) {
    return values[r.nextInt(values.length)];
  }

  /** Picks an index with probability proportional to its weight. */
  static int weighted(SplittableRandom r, int[] weights) {
    int total = 0;
    for (int w : weights) {
      total += w;
    }
    int x = r.nextInt(total);
    for (int i = 0; i < weights.length; i++) {
      x -= weights[i];
      if (x < 0) {
        return i;
      }
    }
    return weights.length - 1;
  }

  /** Poisson draw by inversion; the means used here are small. */
  static int poisson(SplittableRandom r, double mean) {
    double l = Math.exp(-mean);
    double p = r.nextDouble();
    int k = 0;
    double c = l;
    while (p > c && k < 50) {
      k++;
      l = l * mean / k;
      c += l;
    }
    return k;
  }
}
