package dev.weft.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChunkSizerTest {
  private static final long TARGET = 100_000; // 100 µs

  @Test
  void startsAtOneAndGrowsAtMostEightfoldPerObservation() {
    ChunkSizer s = new ChunkSizer(0, 1 << 20, TARGET);
    assertThat(s.next()).isEqualTo(1);
    s.observe(1, 10); // 10 ns per task: the target wants 10,000 per batch
    assertThat(s.next()).isEqualTo(8);
    s.observe(8, 80);
    assertThat(s.next()).isEqualTo(64);
    s.observe(64, 640);
    s.observe(512, 5_120);
    s.observe(4096, 40_960);
    assertThat(s.next()).isEqualTo(10_000);
  }

  @Test
  void tasksThatBecomeSlowShrinkTheBatchesOnceTheSlowTimesAreTheMedian() {
    ChunkSizer s = new ChunkSizer(0, 1 << 20, TARGET);
    s.observe(1, 10);
    s.observe(8, 80);
    assertThat(s.next()).isEqualTo(64);
    s.observe(64, 64 * 1_000_000L); // tasks now take 1 ms each
    assertThat(s.next()).as("one slow sample is not yet the median").isGreaterThan(1);
    s.observe(s.next(), s.next() * 1_000_000L);
    s.observe(s.next(), s.next() * 1_000_000L);
    assertThat(s.next()).isEqualTo(1);
  }

  @Test
  void oneDescheduledBatchDoesNotShrinkTheNext() {
    ChunkSizer s = new ChunkSizer(0, 1 << 20, TARGET);
    for (int i = 0; i < 8; i++) {
      s.observe(s.next(), 10L * s.next()); // 10 ns per task
    }
    assertThat(s.next()).isEqualTo(10_000);
    s.observe(10_000, 50_000_000L); // the thread lost its core for 50 ms
    assertThat(s.next()).isEqualTo(10_000);
  }

  @Test
  void longTasksGetBatchesOfOne() {
    ChunkSizer s = new ChunkSizer(0, 1 << 20, TARGET);
    s.observe(1, 100_000_000L);
    assertThat(s.next()).isEqualTo(1);
  }

  @Test
  void neverExceedsTheMaximum() {
    ChunkSizer s = new ChunkSizer(0, 100, TARGET);
    for (int i = 0; i < 10; i++) {
      s.observe(s.next(), s.next()); // 1 ns per task
    }
    assertThat(s.next()).isEqualTo(100);
  }

  @Test
  void aFixedSizeIgnoresMeasurementsAndIsKeptExactly() {
    ChunkSizer s = new ChunkSizer(50, 1000, TARGET);
    s.observe(50, 1);
    assertThat(s.next()).isEqualTo(50);
    // The cap is for automatic sizes: withChunkSize(n) means n, even above it.
    assertThat(new ChunkSizer(5000, 1000, TARGET).next()).isEqualTo(5000);
  }

  @Test
  void emptyOrUntimedBatchesTeachNothing() {
    ChunkSizer s = new ChunkSizer(0, 1000, TARGET);
    s.observe(0, 0);
    s.observe(5, 0);
    assertThat(s.next()).isEqualTo(1);
  }
}
