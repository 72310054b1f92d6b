package dev.weft.shm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.channel.ChannelClosedException;
import dev.weft.channel.Received;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SharedQueueTest {
  private static final ShmLeaks LEAKS = new ShmLeaks("SharedQueueTest");

  @AfterAll
  static void noSegmentIsLeftBehind() throws Exception {
    LEAKS.assertNoneLeft();
  }

  record Point(int x, String label) implements Serializable {}

  @Test
  void elementsComeOutInOrderAndTrySendSaysFull() throws Exception {
    try (SharedQueue<Long> q = SharedQueue.create(LEAKS.name(), 3, 8, Codec.longs())) {
      assertThat(q.capacity()).isEqualTo(3);
      assertThat(q.trySend(1L)).isTrue();
      assertThat(q.trySend(2L)).isTrue();
      assertThat(q.trySend(3L)).isTrue();
      assertThat(q.trySend(4L)).isFalse();
      assertThat(q.size()).isEqualTo(3);
      assertThat(q.tryReceive()).isEqualTo(1L);
      assertThat(q.trySend(4L)).isTrue();
      assertThat(List.of(q.receive(), q.receive(), q.receive())).containsExactly(2L, 3L, 4L);
      assertThat(q.tryReceive()).isNull();
      assertThat(q.receive(Duration.ofMillis(1))).as("nothing comes: the wait ends").isNull();
    }
  }

  @Test
  void everyBuiltInCodecRoundTrips() throws Exception {
    try (SharedQueue<String> s = SharedQueue.create(LEAKS.name(), 4, 64, Codec.strings())) {
      String odd = "a\u00e9\u20ac\ud83d\ude00z\ud800!"; // 1, 2, 3, 4 bytes, and a lone surrogate
      assertThat(Codec.strings().size(odd)).isEqualTo(odd.getBytes("UTF-8").length);
      s.send(odd);
      s.send("");
      assertThat(s.receive()).isEqualTo(new String(odd.getBytes("UTF-8"), "UTF-8"));
      assertThat(s.receive()).isEmpty();
    }
    try (SharedQueue<byte[]> b = SharedQueue.create(LEAKS.name(), 2, 5, Codec.bytes())) {
      b.send(new byte[] {1, 2, 3, 4, 5});
      assertThat(b.receive()).containsExactly(1, 2, 3, 4, 5);
    }
    try (SharedQueue<Double> d = SharedQueue.create(LEAKS.name(), 2, 8, Codec.doubles());
        SharedQueue<Integer> i = SharedQueue.create(LEAKS.name(), 2, 4, Codec.ints())) {
      d.send(-0.5);
      i.send(Integer.MIN_VALUE);
      assertThat(d.receive()).isEqualTo(-0.5);
      assertThat(i.receive()).isEqualTo(Integer.MIN_VALUE);
    }
    try (SharedQueue<Point> p = SharedQueue.create(LEAKS.name(), 2, 512, Codec.serialized())) {
      p.send(new Point(3, "three"));
      assertThat(p.receive()).isEqualTo(new Point(3, "three"));
    }
  }

  @Test
  void anOversizedElementIsRefusedWithoutTakingASlot() throws Exception {
    try (SharedQueue<byte[]> q = SharedQueue.create(LEAKS.name(), 2, 16, Codec.bytes())) {
      assertThatThrownBy(() -> q.send(new byte[17]))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("17 bytes")
          .hasMessageContaining("at most 16");
      assertThat(q.size()).isZero();
      q.send(new byte[16]);
      assertThat(q.receive()).hasSize(16);
    }
  }

  @Test
  void closeStopsSendsAndReceiversDrainThenSeeTheEnd() throws Exception {
    SharedQueue<Long> q = SharedQueue.create(LEAKS.name(), 4, 8, Codec.longs());
    try (SharedQueue<Long> other = q.handle().open()) {
      q.send(1L);
      q.send(2L);
      q.close();
      assertThatThrownBy(() -> other.send(3L))
          .isInstanceOfSatisfying(
              ChannelClosedException.class, e -> assertThat(e.isDone()).isTrue());
      assertThat(other.isClosedForSend()).isTrue();
      assertThat(other.isClosedForReceive()).isFalse();
      List<Long> got = new ArrayList<>();
      for (long v : other) {
        got.add(v);
      }
      assertThat(got).containsExactly(1L, 2L);
      assertThat(other.receiveOrClosed()).isInstanceOf(Received.Done.class);
      assertThatThrownBy(other::receive).isInstanceOf(ChannelClosedException.class);
      assertThatThrownBy(other::tryReceive).isInstanceOf(ChannelClosedException.class);
      assertThat(other.isClosedForReceive()).isTrue();
    }
    assertThatThrownBy(() -> q.send(1L)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void failDropsTheBufferAndEveryEndSeesTheError() throws Exception {
    try (SharedQueue<Long> q = SharedQueue.create(LEAKS.name(), 4, 8, Codec.longs());
        SharedQueue<Long> other = SharedQueue.open(q.name(), Codec.longs())) {
      q.send(1L);
      q.fail(new IllegalStateException("broken input"));
      q.fail(new IllegalStateException("second")); // no-op
      assertThatThrownBy(other::receive)
          .isInstanceOf(ChannelClosedException.class)
          .cause()
          .isInstanceOfSatisfying(
              RemoteFailureException.class,
              f -> {
                assertThat(f.getMessage()).contains("broken input").doesNotContain("second");
                assertThat(f.pid()).isEqualTo(ProcessHandle.current().pid());
                assertThat(f.died()).isFalse();
              });
      assertThatThrownBy(() -> other.send(2L)).isInstanceOf(ChannelClosedException.class);
      assertThat(other.receiveOrClosed()).isInstanceOf(Received.Failed.class);
    }
  }

  @Test
  void sendOnAFullQueueWaitsUntilThereIsRoom() throws Exception {
    try (SharedQueue<Long> q = SharedQueue.create(LEAKS.name(), 2, 8, Codec.longs())) {
      q.send(1L);
      q.send(2L);
      AtomicReference<Throwable> error = new AtomicReference<>();
      Thread sender = Thread.ofPlatform().start(() -> run(() -> q.send(3L), error));
      awaitParked(sender);
      assertThat(sender.isAlive()).isTrue();
      assertThat(q.size()).isEqualTo(2);
      assertThat(q.receive()).isEqualTo(1L);
      sender.join();
      assertThat(error.get()).isNull();
      assertThat(List.of(q.receive(), q.receive())).containsExactly(2L, 3L);
    }
  }

  @Test
  void anInterruptedSendOrReceiveNeitherLosesNorDuplicates() throws Exception {
    try (SharedQueue<Long> q = SharedQueue.create(LEAKS.name(), 1, 8, Codec.longs())) {
      q.send(1L);
      AtomicReference<Throwable> error = new AtomicReference<>();
      Thread sender = Thread.ofPlatform().start(() -> run(() -> q.send(2L), error));
      awaitParked(sender);
      sender.interrupt();
      sender.join();
      assertThat(error.get()).isInstanceOf(InterruptedException.class);
      assertThat(q.receive()).isEqualTo(1L);
      assertThat(q.tryReceive()).as("the interrupted element was not sent").isNull();

      AtomicReference<Throwable> rerror = new AtomicReference<>();
      Thread receiver = Thread.ofPlatform().start(() -> run(q::receive, rerror));
      awaitParked(receiver);
      receiver.interrupt();
      receiver.join();
      assertThat(rerror.get()).isInstanceOf(InterruptedException.class);
      q.send(3L);
      assertThat(q.receive()).as("nothing was taken by the interrupted receive").isEqualTo(3L);
    }
  }

  @Test
  void aMissingQueueAndBadParametersAreClearErrors() {
    String name = LEAKS.name();
    assertThatThrownBy(() -> SharedQueue.open(name, Codec.longs()))
        .isInstanceOf(java.nio.file.NoSuchFileException.class)
        .hasMessageContaining(name);
    assertThatThrownBy(() -> SharedQueue.create(name, 0, 8, Codec.longs()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("capacity");
    assertThatThrownBy(() -> SharedQueue.create(name, 1, 0, Codec.longs()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxElementBytes");
    assertThatThrownBy(() -> SharedQueue.create("a/b", 1, 8, Codec.longs()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void openingWithAnotherCodecIsRefusedNamingBoth() throws Exception {
    try (SharedQueue<Long> q = SharedQueue.create(LEAKS.name(), 2, 8, Codec.longs())) {
      assertThatThrownBy(() -> SharedQueue.open(q.name(), Codec.doubles()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("Longs")
          .hasMessageContaining("Doubles");
      q.send(1L); // the refused open took no end with it
      assertThat(q.receive()).isEqualTo(1L);
    }
  }

  @Test
  void closeReleasesASenderBlockedOnAFullQueueWithTheEnd() throws Exception {
    try (SharedQueue<Long> q = SharedQueue.create(LEAKS.name(), 1, 8, Codec.longs());
        SharedQueue<Long> closer = q.handle().open()) {
      q.send(1L);
      AtomicReference<Throwable> error = new AtomicReference<>();
      Thread sender = Thread.ofPlatform().start(() -> run(() -> q.send(2L), error));
      awaitParked(sender);
      closer.close();
      sender.join();
      assertThat(error.get())
          .isInstanceOfSatisfying(
              ChannelClosedException.class, e -> assertThat(e.isDone()).isTrue());
      assertThat(q.receive()).isEqualTo(1L);
      assertThat(q.receiveOrClosed()).isInstanceOf(Received.Done.class);
    }
  }

  @Test
  void manyThreadsOnSmallCapacitiesConserveEveryElement() throws Exception {
    for (int capacity : new int[] {1, 3, 64}) {
      int producers = 3;
      int consumers = 3;
      long perProducer = 20_000;
      try (SharedQueue<Long> q = SharedQueue.create(LEAKS.name(), capacity, 8, Codec.longs())) {
        AtomicReference<Throwable> error = new AtomicReference<>();
        List<Thread> sending = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
          long from = p * perProducer;
          sending.add(
              Thread.ofPlatform()
                  .start(() ->
                      run(
                          () -> {
                            for (long v = from; v < from + perProducer; v++) {
                              q.send(v);
                            }
                          },
                          error)));
        }
        long[][] seen = new long[consumers][3];
        List<Thread> receiving = new ArrayList<>();
        for (int c = 0; c < consumers; c++) {
          long[] mine = seen[c];
          receiving.add(
              Thread.ofPlatform()
                  .start(() ->
                      run(
                          () -> {
                            for (long v : q) {
                              mine[0]++;
                              mine[1] += v;
                            }
                          },
                          error)));
        }
        for (Thread t : sending) {
          t.join();
        }
        try (SharedQueue<Long> end = q.handle().open()) {
          end.close();
        }
        for (Thread t : receiving) {
          t.join();
        }
        long n = producers * perProducer;
        assertThat(error.get()).as("capacity " + capacity).isNull();
        long count = 0;
        long sum = 0;
        for (long[] c : seen) {
          count += c[0];
          sum += c[1];
        }
        assertThat(count).as("capacity " + capacity).isEqualTo(n);
        assertThat(sum).as("capacity " + capacity).isEqualTo(n * (n - 1) / 2);
      }
    }
  }

  @Test
  void aHandleCrossesSerialization() throws Exception {
    try (SharedQueue<String> q = SharedQueue.create(LEAKS.name(), 2, 16, Codec.strings())) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
        out.writeObject(q.handle());
      }
      SharedQueue.Handle<?> h;
      try (ObjectInputStream in =
          new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
        h = (SharedQueue.Handle<?>) in.readObject();
      }
      assertThat(h.codec()).isSameAs(Codec.strings());
      q.send("over");
      try (SharedQueue<?> other = h.open()) {
        assertThat(other.receive()).isEqualTo("over");
      }
    }
  }

  @Test
  void aProducerJvmDeliversEveryElementOnceInOrder() throws Exception {
    long n = 200_000;
    try (SharedQueue<Long> q = SharedQueue.create(LEAKS.name(), 1024, 8, Codec.longs());
        ChildJvm producer = ChildJvm.start(QueueChild.class, "produce", q.name(), "" + n)) {
      long expected = 0;
      for (long v : q) {
        assertThat(v).isEqualTo(expected);
        expected++;
      }
      assertThat(expected).isEqualTo(n);
      assertThat(producer.waitFor()).as(producer.output()).isZero();
    }
  }

  @Test
  void twoProducerJvmsAndTwoConsumerThreadsConserveEveryElement() throws Exception {
    long n = 100_000;
    try (SharedQueue<Long> q = SharedQueue.create(LEAKS.name(), 256, 8, Codec.longs());
        ChildJvm a = ChildJvm.start(QueueChild.class, "produce-detach", q.name(), "0", "" + n);
        ChildJvm b = ChildJvm.start(QueueChild.class, "produce-detach", q.name(), "" + n, "" + n)) {
      long[][] seen = new long[2][3]; // per consumer: count, sum, order violations
      AtomicReference<Throwable> error = new AtomicReference<>();
      List<Thread> consumers = new ArrayList<>();
      for (int c = 0; c < 2; c++) {
        long[] mine = seen[c];
        // Each consumer its own end: the test thread's close() below releases q's.
        SharedQueue<Long> end = q.handle().open();
        consumers.add(Thread.ofPlatform().start(() -> run(() -> consume(end, n, mine), error)));
      }
      assertThat(a.waitFor()).as(a.output()).isZero();
      assertThat(b.waitFor()).as(b.output()).isZero();
      q.close(); // both producers are done: end the stream
      for (Thread t : consumers) {
        t.join();
      }
      assertThat(error.get()).isNull();
      assertThat(seen[0][0] + seen[1][0]).isEqualTo(2 * n);
      assertThat(seen[0][1] + seen[1][1]).isEqualTo((2 * n - 1) * (2 * n) / 2);
      assertThat(seen[0][2] + seen[1][2]).as("each producer's elements in its order").isZero();
    }
  }

  @Test
  void workersExchangeThroughTheQueueWithoutTheParentInTheMiddle() throws Exception {
    long n = 50_000;
    try (SharedQueue<Long> q = SharedQueue.create(LEAKS.name(), 128, 8, Codec.longs());
        ChildJvm c1 = ChildJvm.start(QueueChild.class, "consume", q.name());
        ChildJvm c2 = ChildJvm.start(QueueChild.class, "consume", q.name())) {
      // Both consumers hold ends before anything ends: the first to see the end must not take the
      // queue's last reference while the other is still opening it.
      c1.await("ready");
      c2.await("ready");
      try (ChildJvm p1 = ChildJvm.start(QueueChild.class, "produce-detach", q.name(), "0", "" + n);
          ChildJvm p2 =
              ChildJvm.start(QueueChild.class, "produce-detach", q.name(), "" + n, "" + n)) {
        assertThat(p1.waitFor()).as(p1.output()).isZero();
        assertThat(p2.waitFor()).as(p2.output()).isZero();
      }
      q.close(); // the parent only ends the stream once both producers are done
      assertThat(c1.waitFor()).as(c1.output()).isZero();
      assertThat(c2.waitFor()).as(c2.output()).isZero();
      long count = 0;
      long sum = 0;
      for (ChildJvm c : List.of(c1, c2)) {
        java.util.regex.Matcher m =
            java.util.regex.Pattern.compile("count=(\\d+) sum=(\\d+)").matcher(c.output());
        assertThat(m.find()).as(c.output()).isTrue();
        count += Long.parseLong(m.group(1));
        sum += Long.parseLong(m.group(2));
      }
      assertThat(count).isEqualTo(2 * n);
      assertThat(sum).isEqualTo((2 * n - 1) * (2 * n) / 2);
    }
  }

  @Test
  void aFailureInAnotherJvmReachesTheReceiverWithItsText() throws Exception {
    try (SharedQueue<Long> q = SharedQueue.create(LEAKS.name(), 4, 8, Codec.longs());
        ChildJvm child = ChildJvm.start(QueueChild.class, "fail", q.name(), "disk on fire")) {
      assertThat(child.waitFor()).as(child.output()).isZero();
      assertThatThrownBy(q::receive)
          .isInstanceOf(ChannelClosedException.class)
          .cause()
          .isInstanceOfSatisfying(
              RemoteFailureException.class,
              f -> {
                assertThat(f.getMessage()).contains("java.io.IOException: disk on fire");
                assertThat(f.pid()).isEqualTo(child.pid());
                assertThat(f.died()).isFalse();
              });
    }
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void aProducerKilledWhileTheConsumerWaitsIsAnErrorNotAHang() throws Exception {
    try (SharedQueue<Long> q = SharedQueue.create(LEAKS.name(), 16, 8, Codec.longs());
        ChildJvm child = ChildJvm.start(QueueChild.class, "send-hold", q.name(), "5")) {
      child.await("ready");
      for (long i = 0; i < 5; i++) {
        assertThat(q.receive()).isEqualTo(i);
      }
      child.kill();
      assertThatThrownBy(q::receive)
          .isInstanceOf(ChannelClosedException.class)
          .cause()
          .isInstanceOfSatisfying(
              RemoteFailureException.class,
              f -> {
                assertThat(f.died()).isTrue();
                assertThat(f.pid()).isEqualTo(child.pid());
                assertThat(f.getMessage()).contains("process " + child.pid() + " died");
              });
    }
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void aConsumerKilledWhileTheProducerIsBlockedOnAFullQueueFailsTheProducer() throws Exception {
    try (SharedQueue<Long> q = SharedQueue.create(LEAKS.name(), 4, 8, Codec.longs());
        ChildJvm consumer = ChildJvm.start(QueueChild.class, "hold", q.name())) {
      consumer.await("ready");
      for (long i = 0; i < 4; i++) {
        q.send(i);
      }
      AtomicReference<Throwable> error = new AtomicReference<>();
      Thread sender = Thread.ofPlatform().start(() -> run(() -> q.send(99L), error));
      awaitParked(sender);
      consumer.kill();
      sender.join();
      assertThat(error.get())
          .isInstanceOf(ChannelClosedException.class)
          .cause()
          .isInstanceOfSatisfying(
              RemoteFailureException.class, f -> assertThat(f.pid()).isEqualTo(consumer.pid()));
    }
  }

  @Test
  void aQueueWhoseProcessesAllDiedIsReclaimed() throws Exception {
    String name = LEAKS.name();
    try (SharedQueue<Long> q = SharedQueue.create(name, 4, 8, Codec.longs());
        ChildJvm child = ChildJvm.start(QueueChild.class, "hold", name)) {
      child.await("ready");
      q.detach(); // the child is now the only holder
      SharedMemory.reclaimOrphans();
      assertThat(LEAKS.leftOver()).as("held by a live child: not an orphan").hasSize(1);
      child.kill();
    }
    SharedMemory.reclaimOrphans(); // another build's reclaim may get there first: check the result
    assertThat(LEAKS.leftOver()).isEmpty();
  }

  /** Receives until the end: count, sum, and how often a producer's order was broken. */
  private static void consume(SharedQueue<Long> end, long n, long[] seen) {
    try (end) {
      long lastA = -1;
      long lastB = n - 1;
      for (long v : end) {
        seen[0]++;
        seen[1] += v;
        if (v < n) {
          seen[2] += v > lastA ? 0 : 1;
          lastA = v;
        } else {
          seen[2] += v > lastB ? 0 : 1;
          lastB = v;
        }
      }
    }
  }

  interface Body {
    void run() throws Exception;
  }

  private static void run(Body body, AtomicReference<Throwable> error) {
    try {
      body.run();
    } catch (Throwable t) {
      error.set(t);
    }
  }

  /** Waits until {@code t} has parked in a wait (it spins first): a state, not a duration. */
  private static void awaitParked(Thread t) throws InterruptedException {
    while (t.getState() != Thread.State.TIMED_WAITING) {
      assertThat(t.isAlive()).as("the thread should be waiting, not finished").isTrue();
      Thread.sleep(1);
    }
  }
}
