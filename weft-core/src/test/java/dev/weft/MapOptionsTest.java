package dev.weft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class MapOptionsTest {
  @Test
  void withersChangeOneFieldEach() {
    MapOptions o = MapOptions.DEFAULTS.withWindow(10).withChunkSize(3);
    assertThat(o.window()).isEqualTo(10);
    assertThat(o.chunkSize()).isEqualTo(3);
    assertThat(o.targetBatchTime()).isEqualTo(MapOptions.DEFAULTS.targetBatchTime());
  }

  @Test
  void badValuesAreRejectedWithTheirName() {
    assertThatThrownBy(() -> MapOptions.DEFAULTS.withWindow(-1)).hasMessageContaining("window");
    assertThatThrownBy(() -> MapOptions.DEFAULTS.withChunkSize(-5))
        .hasMessageContaining("chunkSize");
    assertThatThrownBy(() -> MapOptions.DEFAULTS.withTargetBatchTime(Duration.ZERO))
        .hasMessageContaining("targetBatchTime");
  }

  @Test
  void theAutomaticBatchTimeFollowsTheEnginesHandOffCost() {
    MapOptions auto = MapOptions.DEFAULTS;
    assertThat(auto.targetBatchNanos(5_000)).isEqualTo(500_000); // threads: the floor
    assertThat(auto.targetBatchNanos(60_000)).isEqualTo(3_000_000); // a process: 50 hand-offs
    assertThat(auto.targetBatchNanos(Long.MAX_VALUE / 2)).isEqualTo(Long.MAX_VALUE);
    MapOptions fixed = auto.withTargetBatchTime(Duration.ofMillis(2));
    assertThat(fixed.targetBatchNanos(60_000)).isEqualTo(2_000_000); // a fixed time is kept
  }

  @Test
  void aTaskTimeoutMustBePositive() {
    assertThatThrownBy(() -> MapOptions.DEFAULTS.withTaskTimeout(Duration.ZERO))
        .hasMessageContaining("positive");
    assertThat(MapOptions.DEFAULTS.withTaskTimeout(Duration.ofSeconds(1)).taskDeadline().grace())
        .isEqualTo(Duration.ofMillis(100));
  }

  @Test
  void poolFactoriesRejectImpossibleSizes() {
    assertThatThrownBy(() -> Pool.cpu(0)).hasMessageContaining("threads");
    assertThatThrownBy(() -> Pool.io(0)).hasMessageContaining("maxConcurrency");
  }
}
