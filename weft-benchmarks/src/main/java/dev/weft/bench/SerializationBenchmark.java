package dev.weft.bench;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.ClosureSerializer;
import dev.weft.TaskFunction;
import dev.weft.spi.Batch;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.apache.fory.Fory;
import org.apache.fory.config.ForyBuilder;
import org.apache.fory.config.Language;
import org.apache.fory.memory.MemoryBuffer;
import org.objenesis.strategy.StdInstantiatorStrategy;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Which serialization library should weft's worker-process engine use to ship batches to worker
 * JVMs and get results back: Apache Fory 1.6.0 or Kryo 5.6.2, with the JDK's own {@code
 * ObjectOutputStream} as the baseline? One operation is a round trip, serialize then deserialize,
 * into and out of a byte buffer reused across operations, of one of weft's real message shapes
 * ({@code payload}):
 *
 * <ul>
 *   <li>{@code batch1}, {@code batch1000}: a {@link Batch} of 1 or 1,000 {@code Integer} inputs in
 *       an {@code ArrayList}, with the serializable lambda {@code x -> (long) x * x} as its
 *       function;
 *   <li>{@code inputs1}, {@code inputs1000}, {@code inputsArray1000}: the same inputs alone (an
 *       {@code ArrayList<Integer>}, or an {@code Object[]}), for an engine that ships the function
 *       once per call; {@code function}: the lambda alone, that once-per-call message;
 *   <li>{@code result1}, {@code result1000}: a result, an {@code Object[]} of 1 or 1,000 {@code
 *       Long}s;
 *   <li>{@code doubles1mb}: a {@code double[]} of 131,072 elements (1 MiB);
 *   <li>{@code points1000}: an {@code Object[]} of 1,000 small records {@link Point}.
 * </ul>
 *
 * <p>Each codec is configured for arbitrary classes without registration, the way an engine that
 * ships user types must run: Fory with {@code requireClassRegistration(false)} (Java mode,
 * reference tracking off, its defaults otherwise, JIT serializers on); Kryo with {@code
 * setRegistrationRequired(false)}, the {@link ClosureSerializer} for serializable lambdas and
 * Objenesis as the fallback instantiator (records use Kryo's built-in {@code RecordSerializer});
 * Two more Fory configurations can be chosen with {@code -p codec=...}: {@code fory-async} ({@code
 * withAsyncCompilation(true)}: interpreted serializers until the generated ones are compiled in the
 * background) and {@code fory-nocodegen} ({@code withCodegen(false)}), since a worker JVM's
 * start-up pays for Fory's code generation (see {@link SerializationFirstUse}). Java with a new
 * {@code ObjectOutputStream} and {@code ObjectInputStream} per message, as a stream per message
 * requires. {@link #setUp} round-trips every payload once and fails the trial unless the copy
 * equals the original (for a batch: the same ids and inputs, and the copied function computes the
 * same results).
 *
 * <p>Fory uses {@code sun.misc.Unsafe}, which JDK 25 warns about unless {@code
 * --sun-misc-unsafe-memory-access=allow}; Kryo's {@code ClosureSerializer} wants {@code
 * java.lang.invoke} opened (without it, it logs two stack traces when built and falls back to
 * resolving lambdas through the capturing class, which works). The fork passes both flags to all
 * three codecs alike. The first-use cost in a fresh JVM (build the codec, round-trip the first
 * batch) is measured by {@link SerializationFirstUse} and {@code
 * weft-benchmarks/scripts/serialization-first-use.sh}, not here.
 *
 * <p>Run it with:
 *
 * <pre>
 * java -jar weft-benchmarks/target/benchmarks.jar SerializationBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s \
 *     -rf json -rff weft-benchmarks/target/runs/serialization.json
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {
      "-Xms2g",
      "-Xmx2g",
      "-XX:+UseG1GC",
      "-XX:+AlwaysPreTouch",
      "--sun-misc-unsafe-memory-access=allow",
      "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED"
    })
public class SerializationBenchmark {
  @Param({"fory", "kryo", "java"})
  String codec;

  @Param({
    "batch1",
    "batch1000",
    "inputs1",
    "inputs1000",
    "inputsArray1000",
    "function",
    "result1",
    "result1000",
    "doubles1mb",
    "points1000"
  })
  String payload;

  private Codec c;
  private Object message;

  /** A small record of the kind a task returns or takes. */
  public record Point(int x, double y, String name) implements Serializable {}

  /** The function of every batch: serializable because {@link TaskFunction} is. */
  static TaskFunction<Integer, Long> square() {
    return x -> (long) x * x;
  }

  @Setup(Level.Trial)
  public void setUp() {
    c = Codec.create(codec);
    message = payload(payload);
    Object copy = c.roundTrip(message);
    check(message, copy);
  }

  @Benchmark
  public Object roundTrip() {
    return c.roundTrip(message);
  }

  /**
   * Builds a payload by name (see the class comment).
   *
   * @param name the payload's name
   * @return a new payload
   */
  static Object payload(String name) {
    return switch (name) {
      case "batch1" -> new Batch<>(7L, 0L, integers(1), square(), true);
      case "batch1000" -> new Batch<>(7L, 1_000L, integers(1_000), square(), true);
      case "inputs1" -> integers(1);
      case "inputs1000" -> integers(1_000);
      case "inputsArray1000" -> integers(1_000).toArray();
      case "function" -> square();
      case "result1" -> longs(1);
      case "result1000" -> longs(1_000);
      case "doubles1mb" -> {
        double[] d = new double[131_072];
        for (int i = 0; i < d.length; i++) {
          d[i] = i * 0.5 + 1.0 / (i + 1);
        }
        yield d;
      }
      case "points1000" -> {
        Object[] p = new Object[1_000];
        for (int i = 0; i < p.length; i++) {
          p[i] = new Point(i, i * 1.5, "p" + i);
        }
        yield p;
      }
      default -> throw new IllegalArgumentException("no payload " + name);
    };
  }

  static ArrayList<Integer> integers(int n) {
    ArrayList<Integer> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      list.add(i * 37 - 500); // negative and beyond the Integer cache too
    }
    return list;
  }

  static Object[] longs(int n) {
    Object[] a = new Object[n];
    for (int i = 0; i < n; i++) {
      a[i] = (long) i * i * 1_000_003L;
    }
    return a;
  }

  /**
   * Fails unless {@code copy} is an equal copy of {@code original}; a function is equal when it
   * computes the same results on a few inputs, a batch when its fields are equal that way.
   *
   * @param original the message sent
   * @param copy the message received
   */
  static void check(Object original, Object copy) {
    if (original instanceof Batch<?, ?> b) {
      if (!(copy instanceof Batch<?, ?> d)
          || b.id() != d.id()
          || b.firstIndex() != d.firstIndex()
          || b.stopOnFailure() != d.stopOnFailure()
          || !b.inputs().equals(d.inputs())) {
        throw new AssertionError("batch differs after the round trip: " + copy);
      }
      checkFunction(b.function(), d.function(), b.inputs().subList(0, Math.min(5, b.size())));
    } else if (original instanceof TaskFunction<?, ?> f) {
      checkFunction(f, copy, List.of(0, 3, -7, 46_341, Integer.MAX_VALUE));
    } else if (!Objects.deepEquals(original, copy)) {
      throw new AssertionError(
          "differs after the round trip: "
              + (copy == null ? "null" : copy.getClass().getName())
              + " "
              + (copy instanceof Object[] a ? Arrays.toString(a) : String.valueOf(copy)));
    }
  }

  @SuppressWarnings("unchecked")
  private static void checkFunction(Object f, Object copy, List<?> inputs) {
    if (!(copy instanceof TaskFunction<?, ?> g) || copy == f) {
      throw new AssertionError("function not copied: " + copy);
    }
    for (Object x : inputs) {
      Object want = apply((TaskFunction<Object, Object>) f, x);
      Object got = apply((TaskFunction<Object, Object>) g, x);
      if (!Objects.equals(want, got)) {
        throw new AssertionError("copied function: f(" + x + ") = " + got + ", not " + want);
      }
    }
  }

  private static Object apply(TaskFunction<Object, Object> f, Object x) {
    try {
      return f.apply(x);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** One library, configured once, with the buffer it reuses; not thread-safe. */
  abstract static class Codec {
    abstract Object roundTrip(Object message);

    /** Bytes of the last message serialized. */
    abstract int lastSize();

    static Codec create(String name) {
      return switch (name) {
        case "fory" -> new ForyCodec(Fory.builder());
        // Fory's serializers interpreted at first, its generated ones swapped in when compiled
        case "fory-async" -> new ForyCodec(Fory.builder().withAsyncCompilation(true));
        // Fory without generated serializers at all: no janino compilation at start-up
        case "fory-nocodegen" -> new ForyCodec(Fory.builder().withCodegen(false));
        case "kryo" -> new KryoCodec();
        case "java" -> new JavaCodec();
        default ->
            throw new IllegalArgumentException(
                "fory, fory-async, fory-nocodegen, kryo or java, not " + name);
      };
    }
  }

  /** Apache Fory, Java mode, no registration, one {@code Fory} per thread (it is not shared). */
  static final class ForyCodec extends Codec {
    private final Fory fory;
    private final MemoryBuffer buffer = MemoryBuffer.newHeapBuffer(1 << 16);
    private int size;

    ForyCodec(ForyBuilder builder) {
      fory =
          builder
              .withLanguage(Language.JAVA)
              .requireClassRegistration(false)
              .suppressClassRegistrationWarnings(true)
              .build();
    }

    @Override
    Object roundTrip(Object message) {
      buffer.writerIndex(0);
      fory.serialize(buffer, message);
      size = buffer.writerIndex();
      buffer.readerIndex(0);
      return fory.deserialize(buffer);
    }

    @Override
    int lastSize() {
      return size;
    }
  }

  /** Kryo 5, no registration, lambdas through {@link ClosureSerializer}, one per thread. */
  static final class KryoCodec extends Codec {
    private final Kryo kryo = new Kryo();
    private final Output output = new Output(1 << 16, -1);
    private final Input input = new Input();

    KryoCodec() {
      kryo.setRegistrationRequired(false);
      kryo.setWarnUnregisteredClasses(false);
      // classes without a no-arg constructor (JDK immutable lists, many user types) need Objenesis
      kryo.setInstantiatorStrategy(
          new com.esotericsoftware.kryo.util.DefaultInstantiatorStrategy(
              new StdInstantiatorStrategy()));
      kryo.register(ClosureSerializer.Closure.class, new ClosureSerializer());
    }

    @Override
    Object roundTrip(Object message) {
      output.setPosition(0);
      kryo.writeClassAndObject(output, message);
      input.setBuffer(output.getBuffer(), 0, output.position());
      return kryo.readClassAndObject(input);
    }

    @Override
    int lastSize() {
      return output.position();
    }
  }

  /** {@code ObjectOutputStream} into a reused byte array, {@code ObjectInputStream} back. */
  static final class JavaCodec extends Codec {
    private final Bytes bytes = new Bytes();

    /** A {@code ByteArrayOutputStream} whose array is read in place. */
    static final class Bytes extends ByteArrayOutputStream {
      Bytes() {
        super(1 << 16);
      }

      ByteArrayInputStream in() {
        return new ByteArrayInputStream(buf, 0, count);
      }
    }

    @Override
    Object roundTrip(Object message) {
      try {
        bytes.reset();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
          out.writeObject(message);
        }
        try (ObjectInputStream in = new ObjectInputStream(bytes.in())) {
          return in.readObject();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    int lastSize() {
      return bytes.size();
    }
  }

  /**
   * Messages an engine may meet beyond the benchmark's payloads, each with how to compare its copy:
   * null elements, JDK immutable lists and sublist views, lambdas that capture values, method
   * references, records with null components.
   *
   * @return the probe cases by name
   */
  static java.util.Map<String, Object> probes() {
    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
    ArrayList<Integer> withNulls = integers(10);
    withNulls.set(0, null);
    withNulls.set(9, null);
    m.put("ArrayList with null elements", withNulls);
    m.put("Object[] result with nulls", new Object[] {1L, null, 3L, null});
    m.put("List.of(...) (JDK immutable list)", List.of(1, 2, 3));
    m.put("subList view", integers(100).subList(10, 20));
    m.put("Arrays.asList view", Arrays.asList(1, 2, 3));
    m.put("record with a null component", new Point(1, 2.0, null));
    int offset = 41;
    TaskFunction<Integer, Long> capturing = x -> (long) x + offset;
    m.put("batch, lambda capturing an int", new Batch<>(1L, 0L, integers(5), capturing, false));
    TaskFunction<Integer, Integer> abs = Math::abs;
    m.put("batch, method reference Math::abs", new Batch<>(2L, 0L, integers(5), abs, false));
    m.put("batch of records", new Batch<>(3L, 0L, List.of(new Point(1, 1.0, "a")), p -> p, true));
    return m;
  }

  /**
   * Round-trips every payload with every codec once and prints the serialized sizes, then the probe
   * cases of {@link #probes()} with OK or the failure: a quick check outside JMH.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    List<String> payloads =
        List.of(
            "batch1",
            "batch1000",
            "inputs1",
            "inputs1000",
            "inputsArray1000",
            "function",
            "result1",
            "result1000",
            "doubles1mb",
            "points1000");
    for (String codecName : List.of("fory", "fory-nocodegen", "kryo", "java")) {
      Codec codec = Codec.create(codecName);
      for (String p : payloads) {
        Object m = payload(p);
        check(m, codec.roundTrip(m));
        System.out.printf("size %s %s %d bytes%n", codecName, p, codec.lastSize());
      }
    }
    for (String codecName : List.of("fory", "fory-nocodegen", "kryo", "java")) {
      for (var e : probes().entrySet()) {
        Codec codec = Codec.create(codecName); // fresh, so that one failure cannot leave state
        String outcome;
        try {
          Object copy = codec.roundTrip(e.getValue());
          if (e.getValue() instanceof List<?> l) {
            // a view's copy need not be a view, only an equal list
            outcome = l.equals(copy) ? "OK as " + copy.getClass().getName() : "DIFFERS " + copy;
          } else {
            check(e.getValue(), copy);
            outcome = "OK";
          }
        } catch (RuntimeException | AssertionError x) {
          outcome = "FAILS " + x.getClass().getSimpleName() + ": " + firstLine(x.getMessage());
        }
        System.out.printf("probe %s | %s | %s%n", codecName, e.getKey(), outcome);
      }
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    String line = nl < 0 ? s : s.substring(0, nl);
    return line.length() > 160 ? line.substring(0, 160) + "..." : line;
  }
}
