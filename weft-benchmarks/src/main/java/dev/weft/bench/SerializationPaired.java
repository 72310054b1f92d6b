package dev.weft.bench;

import dev.weft.bench.SerializationBenchmark.Codec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@link SerializationBenchmark}'s close calls (Fory vs Kryo on small, lambda-carrying messages)
 * paired round by round in one JVM, because separate JMH forks on a shared machine meet different
 * loads: each round times a block of round trips with each codec, alternating which goes first, so
 * a busy neighbour slows both alike, and the median of the per-round ratios is reported.
 *
 * <p>Run it with:
 *
 * <pre>
 * java -Xms2g -Xmx2g -XX:+UseG1GC --sun-misc-unsafe-memory-access=allow \
 *     --add-opens=java.base/java.lang.invoke=ALL-UNNAMED \
 *     -cp weft-benchmarks/target/benchmarks.jar dev.weft.bench.SerializationPaired \
 *     fory kryo 31 batch1 function batch1000 result1000
 * </pre>
 *
 * (arguments: two codecs, the number of rounds, then payloads of {@code SerializationBenchmark}).
 */
public final class SerializationPaired {
  private SerializationPaired() {}

  private static volatile Object sink;

  /**
   * Runs the paired rounds.
   *
   * @param args codec A, codec B, rounds, payload names
   */
  public static void main(String[] args) {
    String a = args.length > 0 ? args[0] : "fory";
    String b = args.length > 1 ? args[1] : "kryo";
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 31;
    List<String> payloads =
        args.length > 3
            ? Arrays.asList(args).subList(3, args.length)
            : List.of("batch1", "function", "batch1000", "result1000");
    System.out.printf(
        "%-12s %12s %12s %10s   (ns per round trip, medians of %d paired rounds; ratio"
            + " range p10-p90)%n",
        "payload", a, b, b + "/" + a, rounds);
    for (String p : payloads) {
      Object m = SerializationBenchmark.payload(p);
      Codec ca = Codec.create(a);
      Codec cb = Codec.create(b);
      SerializationBenchmark.check(m, ca.roundTrip(m));
      SerializationBenchmark.check(m, cb.roundTrip(m));
      // a block of about 50 ms per codec, sized from a first timing after a warm-up
      long end = System.nanoTime() + 3_000_000_000L;
      while (System.nanoTime() < end) {
        sink = ca.roundTrip(m);
        sink = cb.roundTrip(m);
      }
      int ops = (int) Math.max(1, 50_000_000L / Math.max(1, time(ca, m, 1_000) / 1_000));
      List<Double> ta = new ArrayList<>();
      List<Double> tb = new ArrayList<>();
      List<Double> ratio = new ArrayList<>();
      for (int r = 0; r < rounds; r++) {
        double x;
        double y;
        if ((r & 1) == 0) {
          x = time(ca, m, ops) / (double) ops;
          y = time(cb, m, ops) / (double) ops;
        } else {
          y = time(cb, m, ops) / (double) ops;
          x = time(ca, m, ops) / (double) ops;
        }
        ta.add(x);
        tb.add(y);
        ratio.add(y / x);
      }
      System.out.printf(
          "%-12s %12.1f %12.1f %9.2fx   (%.2f-%.2f; %d ops per block)%n",
          p,
          EfficiencyTable.median(arr(ta)),
          EfficiencyTable.median(arr(tb)),
          EfficiencyTable.median(arr(ratio)),
          EfficiencyTable.quantile(arr(ratio), 0.1),
          EfficiencyTable.quantile(arr(ratio), 0.9),
          ops);
    }
  }

  private static long time(Codec c, Object m, int ops) {
    long t0 = System.nanoTime();
    for (int i = 0; i < ops; i++) {
      sink = c.roundTrip(m);
    }
    return System.nanoTime() - t0;
  }

  private static double[] arr(List<Double> xs) {
    return xs.stream().mapToDouble(Double::doubleValue).toArray();
  }
}
