package dev.weft.bench;

import dev.weft.bench.SerializationBenchmark.Codec;
import dev.weft.spi.Batch;

/**
 * What a fresh worker JVM pays for its serialization library before its first batch is back: run
 * once per fresh JVM by {@code weft-benchmarks/scripts/serialization-first-use.sh}, which also
 * times the whole process and checks what each library prints on JDK 25.
 *
 * <p>Modes: {@code fory}, {@code fory-async}, {@code fory-nocodegen}, {@code kryo}, {@code java}
 * (the codecs of {@link SerializationBenchmark}, configured the same way); {@code none} builds the
 * payloads only (the floor). Prints the mode, the milliseconds to build the codec, to round-trip
 * the first {@code batch1000} (a {@link Batch} of 1,000 {@code Integer}s with a lambda), then the
 * first {@code result1000} (an {@code Object[]} of 1,000 {@code Long}s), and the second batch, each
 * checked against the original.
 */
public final class SerializationFirstUse {
  private SerializationFirstUse() {}

  /**
   * Runs one mode.
   *
   * @param args a codec of {@link SerializationBenchmark} or {@code none}
   */
  public static void main(String[] args) {
    String mode = args.length > 0 ? args[0] : "fory";
    Object batch = SerializationBenchmark.payload("batch1000");
    Object result = SerializationBenchmark.payload("result1000");
    if (mode.equals("none")) {
      System.out.printf("none 0 0 0 0%n");
      return;
    }
    long t0 = System.nanoTime();
    Codec codec = Codec.create(mode);
    long built = System.nanoTime();
    Object b = codec.roundTrip(batch);
    long firstBatch = System.nanoTime();
    Object r = codec.roundTrip(result);
    long firstResult = System.nanoTime();
    Object b2 = codec.roundTrip(batch);
    long secondBatch = System.nanoTime();
    SerializationBenchmark.check(batch, b);
    SerializationBenchmark.check(result, r);
    SerializationBenchmark.check(batch, b2);
    System.out.printf(
        "%s %.2f %.2f %.2f %.3f%n",
        mode,
        (built - t0) / 1e6,
        (firstBatch - built) / 1e6,
        (firstResult - firstBatch) / 1e6,
        (secondBatch - firstResult) / 1e6);
  }
}
