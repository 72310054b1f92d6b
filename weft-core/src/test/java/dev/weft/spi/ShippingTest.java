package dev.weft.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.weft.NotShippableException;
import dev.weft.Pool;
import dev.weft.TaskFunction;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

class ShippingTest {
  record Scale(int factor) implements java.io.Serializable {}

  @Test
  void valuesAndSerializableRecordsShip() {
    int k = 3;
    String s = "x";
    List<Integer> table = List.of(1, 2, 3);
    Scale scale = new Scale(2);
    Map<String, Integer> lookup = new java.util.concurrent.ConcurrentHashMap<>(Map.of("a", 1));
    TaskFunction<Integer, String> f =
        x -> s + (x * k * scale.factor() + table.get(0) + lookup.get("a"));
    assertThatCode(() -> Shipping.check(f, "the function")).doesNotThrowAnyException();
  }

  @Test
  void aCapturedNonSerializableObjectIsNamed() {
    Object plain = new Object();
    TaskFunction<Integer, Integer> f = x -> x + plain.hashCode();
    NotShippableException e =
        catchThrowableOfType(NotShippableException.class, () -> Shipping.check(f, "the function"));
    assertThat(e.capturedClass()).isEqualTo("java.lang.Object");
    assertThat(e)
        .hasMessageContaining("the function (a lambda in dev.weft.spi.ShippingTest")
        .hasMessageContaining("captures a java.lang.Object, which is not serializable");
  }

  @Test
  void liveSharedStateIsRefusedThoughItIsSerializable() {
    AtomicInteger counter = new AtomicInteger();
    TaskFunction<Integer, Integer> counting = x -> counter.incrementAndGet();
    assertThat(
            catchThrowableOfType(
                NotShippableException.class, () -> Shipping.check(counting, "the function")))
        .hasMessageContaining("java.util.concurrent.atomic.AtomicInteger")
        .hasMessageContaining("would never reach this JVM");

    ReentrantLock lock = new ReentrantLock();
    TaskFunction<Integer, Integer> locking =
        x -> {
          lock.lock();
          try {
            return x;
          } finally {
            lock.unlock();
          }
        };
    assertThat(
            catchThrowableOfType(
                NotShippableException.class, () -> Shipping.check(locking, "the function")))
        .hasMessageContaining("java.util.concurrent.locks.ReentrantLock")
        .hasMessageContaining("a lock");
  }

  @Test
  void aPoolCannotBeShipped() {
    try (Pool pool = Pool.cpu(1)) {
      TaskFunction<Integer, Integer> nested = x -> pool.map(y -> y, List.of(x)).get(0);
      assertThat(
              catchThrowableOfType(
                  NotShippableException.class, () -> Shipping.check(nested, "the function")))
          .hasMessageContaining("dev.weft.Pool");
    }
  }
}
