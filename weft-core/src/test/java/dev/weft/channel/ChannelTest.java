package dev.weft.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The channel's contract over the capacities that behave differently: rendezvous (0), a single slot
 * (1), a tiny buffer (2), and usual sizes (16, 1024). Stress tests check conservation: every
 * element whose send returned is received exactly once, or is returned by {@code fail}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ChannelTest {
  private static int scale(int local) {
    return "true".equalsIgnoreCase(System.getenv("CI")) ? Math.max(1, local / 4) : local;
  }

  private static Thread start(ThrowingRunnable body, ConcurrentLinkedQueue<Throwable> errors) {
    return Thread.ofVirtual()
        .start(() -> {
          try {
            body.run();
          } catch (Throwable t) {
            errors.add(t);
          }
        });
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 16, 1024})
  void elementsFromOneProducerArriveInOrderAndTheEndFollowsThem(int capacity) throws Exception {
    Channel<Integer> ch = Channel.bounded(capacity);
    ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    Thread producer =
        start(
            () -> {
              try (ch) {
                for (int i = 0; i < 5_000; i++) {
                  ch.send(i);
                }
              }
            },
            errors);
    List<Integer> got = new ArrayList<>();
    for (int x : ch) {
      got.add(x);
    }
    producer.join();
    assertThat(errors).isEmpty();
    assertThat(got).isEqualTo(IntStream.range(0, 5_000).boxed().toList());
    assertThat(ch.isClosedForReceive()).isTrue();
    assertThatThrownBy(ch::receive)
        .isInstanceOf(ChannelClosedException.class)
        .matches(e -> ((ChannelClosedException) e).isDone());
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 16, 1024})
  void manyProducersAndConsumersDeliverEveryElementExactlyOnceInPerProducerOrder(int capacity)
      throws Exception {
    int producers = 4;
    int consumers = 4;
    int perProducer = scale(50_000);
    Channel<long[]> ch = Channel.bounded(capacity);
    ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    List<Thread> threads = new ArrayList<>();
    AtomicInteger running = new AtomicInteger(producers);
    for (int p = 0; p < producers; p++) {
      long id = p;
      threads.add(
          start(
              () -> {
                for (long i = 0; i < perProducer; i++) {
                  ch.send(new long[] {id, i});
                }
                if (running.decrementAndGet() == 0) {
                  ch.close();
                }
              },
              errors));
    }
    List<List<long[]>> received = Collections.synchronizedList(new ArrayList<>());
    for (int c = 0; c < consumers; c++) {
      threads.add(
          start(
              () -> {
                List<long[]> mine = new ArrayList<>();
                for (long[] e : ch) {
                  mine.add(e);
                }
                received.add(mine);
              },
              errors));
    }
    for (Thread t : threads) {
      t.join();
    }
    assertThat(errors).isEmpty();
    long[] next = new long[producers];
    int total = 0;
    for (List<long[]> mine : received) {
      long[] lastSeen = new long[producers];
      java.util.Arrays.fill(lastSeen, -1);
      for (long[] e : mine) {
        // Each consumer sees each producer's elements in the order they were sent.
        assertThat(e[1]).isGreaterThan(lastSeen[(int) e[0]]);
        lastSeen[(int) e[0]] = e[1];
        next[(int) e[0]]++;
        total++;
      }
    }
    assertThat(total).isEqualTo(producers * perProducer);
    for (long n : next) {
      assertThat(n).isEqualTo(perProducer);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 16, 1024})
  void interruptedAndClosedSendsNeitherLoseNorDuplicate(int capacity) throws Exception {
    int rounds = scale(40);
    for (int round = 0; round < rounds; round++) {
      Channel<Integer> ch = Channel.bounded(capacity);
      ConcurrentLinkedQueue<Integer> sent = new ConcurrentLinkedQueue<>();
      ConcurrentLinkedQueue<Integer> received = new ConcurrentLinkedQueue<>();
      ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
      AtomicInteger ids = new AtomicInteger();
      List<Thread> producers = new ArrayList<>();
      for (int p = 0; p < 4; p++) {
        producers.add(
            start(
                () -> {
                  while (true) {
                    int id = ids.getAndIncrement();
                    try {
                      ch.send(id);
                      sent.add(id);
                    } catch (InterruptedException e) {
                      // not sent: try the next one with the interrupt consumed
                    } catch (ChannelClosedException e) {
                      return;
                    }
                  }
                },
                errors));
      }
      List<Thread> consumers = new ArrayList<>();
      for (int c = 0; c < 2; c++) {
        consumers.add(
            start(
                () -> {
                  while (true) {
                    try {
                      switch (ch.receiveOrClosed()) {
                        case Received.Value<Integer> v -> received.add(v.value());
                        case Received.Done<Integer> d -> {
                          return;
                        }
                        case Received.Failed<Integer> f -> {
                          return;
                        }
                      }
                    } catch (InterruptedException e) {
                      // nothing received: go on
                    }
                  }
                },
                errors));
      }
      // Interrupt everyone at random for a while, then end the channel one way or the other.
      ThreadLocalRandom rnd = ThreadLocalRandom.current();
      for (int i = 0; i < 200; i++) {
        List<Thread> all = new ArrayList<>(producers);
        all.addAll(consumers);
        all.get(rnd.nextInt(all.size())).interrupt();
        Thread.onSpinWait();
      }
      List<Integer> dropped =
          round % 2 == 0 ? ch.fail(new IllegalStateException("stop")) : List.of();
      if (round % 2 != 0) {
        ch.close();
      }
      for (Thread t : producers) {
        t.join();
      }
      // After close the consumers drain the buffer; after fail they stop at once.
      for (Thread t : consumers) {
        t.join();
      }
      assertThat(errors).isEmpty();
      Map<Integer, Integer> counts = new HashMap<>();
      received.forEach(x -> counts.merge(x, 1, Integer::sum));
      dropped.forEach(x -> counts.merge(x, 1, Integer::sum));
      List<Integer> sentSorted = new ArrayList<>(sent);
      Collections.sort(sentSorted);
      List<Integer> accounted = new ArrayList<>(counts.keySet());
      Collections.sort(accounted);
      assertThat(counts.values()).allMatch(n -> n == 1);
      assertThat(accounted).isEqualTo(sentSorted);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 16})
  void sendBlocksWhileFullAndTrySendSaysSo(int capacity) throws Exception {
    Channel<Integer> ch = Channel.bounded(capacity);
    for (int i = 0; i < capacity; i++) {
      assertThat(ch.trySend(i)).isTrue();
    }
    assertThat(ch.trySend(99)).isFalse();
    CountDownLatch sending = new CountDownLatch(1);
    AtomicBoolean sent = new AtomicBoolean();
    Thread t =
        Thread.ofVirtual()
            .start(() -> {
              sending.countDown();
              try {
                ch.send(100);
                sent.set(true);
              } catch (InterruptedException e) {
                throw new AssertionError(e);
              }
            });
    sending.await();
    Thread.sleep(20);
    assertThat(sent).as("send waits while the channel is full").isFalse();
    assertThat(ch.receive()).isZero();
    t.join();
    assertThat(sent).isTrue();
    assertThat(ch.size()).isEqualTo(capacity);
  }

  @Test
  void aRendezvousSendWaitsForAReceiver() throws Exception {
    Channel<String> ch = Channel.rendezvous();
    assertThat(ch.trySend("x")).isFalse();
    assertThat(ch.tryReceive()).isNull();
    AtomicBoolean returned = new AtomicBoolean();
    Thread t =
        Thread.ofVirtual()
            .start(() -> {
              try {
                ch.send("hello");
                returned.set(true);
              } catch (InterruptedException e) {
                throw new AssertionError(e);
              }
            });
    while (ch.size() == 0) {
      Thread.onSpinWait();
    }
    assertThat(returned).isFalse();
    assertThat(ch.receive()).isEqualTo("hello");
    t.join();
    assertThat(returned).isTrue();
  }

  @Test
  void aRendezvousTrySendSucceedsWhenAReceiverIsBlocked() throws Exception {
    Channel<String> ch = Channel.rendezvous();
    AtomicReference<String> got = new AtomicReference<>();
    Thread receiver =
        Thread.ofVirtual()
            .start(() -> {
              try {
                got.set(ch.receive());
              } catch (InterruptedException e) {
                throw new AssertionError(e);
              }
            });
    while (receiver.getState() != Thread.State.WAITING) {
      Thread.onSpinWait();
    }
    assertThat(ch.trySend("handed over")).isTrue();
    receiver.join();
    assertThat(got.get()).isEqualTo("handed over");
    assertThat(ch.trySend("nobody waits")).isFalse();
  }

  @Test
  void aTimedRendezvousReceiveGivesUpCleanly() throws Exception {
    Channel<String> ch = Channel.rendezvous();
    assertThat(ch.receive(Duration.ofMillis(5))).isNull();
    assertThat(ch.trySend("late")).as("the timed-out receiver is gone").isFalse();
  }

  @Test
  void anInterruptedRendezvousSendIsWithdrawn() throws Exception {
    Channel<String> ch = Channel.rendezvous();
    AtomicReference<Throwable> outcome = new AtomicReference<>();
    Thread t =
        Thread.ofVirtual()
            .start(() -> {
              try {
                ch.send("never");
              } catch (Throwable e) {
                outcome.set(e);
              }
            });
    while (ch.size() == 0) {
      Thread.onSpinWait();
    }
    t.interrupt();
    t.join();
    assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
    assertThat(ch.tryReceive()).as("the withdrawn element is not delivered").isNull();
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 16})
  void closeLetsReceiversDrainThenEndsAndRefusesSends(int capacity) throws Exception {
    Channel<Integer> ch = Channel.bounded(capacity);
    if (capacity > 0) {
      ch.send(1);
    }
    ch.close();
    ch.close();
    assertThat(ch.isClosedForSend()).isTrue();
    assertThatThrownBy(() -> ch.send(2)).isInstanceOf(ChannelClosedException.class);
    assertThatThrownBy(() -> ch.trySend(2)).isInstanceOf(ChannelClosedException.class);
    if (capacity > 0) {
      assertThat(ch.receive()).isEqualTo(1);
    }
    assertThat(ch.receiveOrClosed()).isEqualTo(new Received.Done<Integer>());
    assertThatThrownBy(ch::tryReceive).isInstanceOf(ChannelClosedException.class);
    assertThat(ch.stream().toList()).isEmpty();
  }

  @Test
  void failDropsTheBufferReturnsItAndReceiversSeeTheError() throws Exception {
    Channel<Integer> ch = Channel.bounded(4);
    ch.send(1);
    ch.send(2);
    IllegalStateException error = new IllegalStateException("upstream broke");
    assertThat(ch.fail(error)).containsExactly(1, 2);
    assertThat(ch.fail(new RuntimeException("again"))).isEmpty();
    assertThat(ch.receiveOrClosed()).isEqualTo(new Received.Failed<Integer>(error));
    assertThatThrownBy(ch::receive)
        .isInstanceOf(ChannelClosedException.class)
        .hasCause(error)
        .matches(e -> !((ChannelClosedException) e).isDone());
    assertThatThrownBy(() -> ch.iterator().hasNext()).hasCause(error);
  }

  @Test
  void sendersBlockedAtTheEndAreTold() throws Exception {
    Channel<Integer> ch = Channel.bounded(1);
    ch.send(0);
    AtomicReference<Throwable> outcome = new AtomicReference<>();
    Thread t =
        Thread.ofVirtual()
            .start(() -> {
              try {
                ch.send(1);
              } catch (Throwable e) {
                outcome.set(e);
              }
            });
    while (t.getState() != Thread.State.WAITING) {
      Thread.onSpinWait();
    }
    ch.close();
    t.join();
    assertThat(outcome.get()).isInstanceOf(ChannelClosedException.class);
    assertThat(ch.receive()).isZero();
  }

  @Test
  void aTimedReceiveReturnsNullWhenNothingComes() throws Exception {
    Channel<Integer> ch = Channel.bounded(1);
    assertThat(ch.receive(Duration.ofMillis(10))).isNull();
    ch.send(5);
    assertThat(ch.receive(Duration.ofMillis(10))).isEqualTo(5);
  }

  @Test
  void nullsAndNegativeCapacitiesAreRejected() {
    assertThatThrownBy(() -> Channel.bounded(-1)).hasMessageContaining("capacity");
    assertThatThrownBy(() -> Channel.bounded(1).send(null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void anInterruptedIteratorThrowsCancellationAndKeepsTheInterrupt() {
    Channel<Integer> ch = Channel.bounded(1);
    Thread.currentThread().interrupt();
    assertThatThrownBy(() -> ch.iterator().hasNext())
        .isInstanceOf(java.util.concurrent.CancellationException.class);
    assertThat(Thread.interrupted()).isTrue();
  }

  // ---------------------------------------------------------------- select

  @Test
  void selectTakesFromWhicheverChannelIsReady() throws Exception {
    Channel<String> a = Channel.bounded(1);
    Channel<String> b = Channel.bounded(1);
    b.send("from b");
    assertThat(Channels.select(a, b)).isEqualTo(new Channels.Selected<>(1, "from b"));
    Thread.ofVirtual()
        .start(() -> {
          try {
            Thread.sleep(10);
            a.send("from a");
          } catch (InterruptedException e) {
            throw new AssertionError(e);
          }
        });
    assertThat(Channels.select(a, b)).isEqualTo(new Channels.Selected<>(0, "from a"));
  }

  @Test
  void selectWorksWithRendezvousChannels() throws Exception {
    Channel<Integer> a = Channel.rendezvous();
    Channel<Integer> b = Channel.rendezvous();
    Thread sender =
        Thread.ofVirtual()
            .start(() -> {
              try {
                b.send(42);
              } catch (InterruptedException e) {
                throw new AssertionError(e);
              }
            });
    assertThat(Channels.select(a, b)).isEqualTo(new Channels.Selected<>(1, 42));
    sender.join();
  }

  @Test
  void selectSkipsDoneChannelsEndsWhenAllAreDoneAndFailsOnAFailedOne() throws Exception {
    Channel<Integer> a = Channel.bounded(1);
    Channel<Integer> b = Channel.bounded(1);
    a.close();
    b.send(7);
    assertThat(Channels.select(a, b).value()).isEqualTo(7);
    b.close();
    assertThatThrownBy(() -> Channels.select(a, b))
        .isInstanceOf(ChannelClosedException.class)
        .matches(e -> ((ChannelClosedException) e).isDone());
    Channel<Integer> c = Channel.bounded(1);
    c.fail(new IllegalStateException("bad"));
    assertThatThrownBy(() -> Channels.select(Channel.<Integer>bounded(1), c))
        .hasMessageContaining("#1")
        .hasRootCauseMessage("bad");
  }

  @Test
  void selectIsFairEnoughThatABusyChannelDoesNotStarveAnother() throws Exception {
    Channel<Integer> busy = Channel.bounded(1024);
    Channel<Integer> other = Channel.bounded(1024);
    for (int i = 0; i < 1000; i++) {
      busy.send(i);
      other.send(i);
    }
    int fromOther = 0;
    for (int i = 0; i < 1000; i++) {
      if (Channels.select(busy, other).index() == 1) {
        fromOther++;
      }
    }
    assertThat(fromOther).isBetween(300, 700);
  }

  @Test
  void anInterruptedSelectReceivesNothing() throws Exception {
    Channel<Integer> a = Channel.bounded(1);
    AtomicReference<Throwable> outcome = new AtomicReference<>();
    Thread t =
        Thread.ofVirtual()
            .start(() -> {
              try {
                Channels.select(a);
              } catch (Throwable e) {
                outcome.set(e);
              }
            });
    while (t.getState() != Thread.State.WAITING) {
      Thread.onSpinWait();
    }
    t.interrupt();
    t.join();
    assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
    a.send(1);
    assertThat(a.receive()).isEqualTo(1);
  }

  @Test
  void selectUnderConcurrentSendersDeliversEachElementOnce() throws Exception {
    int per = scale(20_000);
    List<Channel<Integer>> chans =
        List.of(Channel.bounded(2), Channel.rendezvous(), Channel.bounded(16));
    ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    List<Thread> senders = new ArrayList<>();
    for (int c = 0; c < chans.size(); c++) {
      Channel<Integer> ch = chans.get(c);
      int base = c * per;
      senders.add(
          start(
              () -> {
                try (ch) {
                  for (int i = 0; i < per; i++) {
                    ch.send(base + i);
                  }
                }
              },
              errors));
    }
    boolean[] seen = new boolean[chans.size() * per];
    int count = 0;
    while (true) {
      Channels.Selected<Integer> s;
      try {
        s = Channels.select(chans);
      } catch (ChannelClosedException e) {
        assertThat(e.isDone()).isTrue();
        break;
      }
      assertThat(seen[s.value()]).isFalse();
      seen[s.value()] = true;
      count++;
    }
    for (Thread t : senders) {
      t.join();
    }
    assertThat(errors).isEmpty();
    assertThat(count).isEqualTo(chans.size() * per);
  }
}
