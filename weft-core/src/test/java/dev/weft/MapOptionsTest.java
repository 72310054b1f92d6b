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
  void poolFactoriesRejectImpossibleSizes() {
    assertThatThrownBy(() -> Pool.cpu(0)).hasMessageContaining("threads");
    assertThatThrownBy(() -> Pool.io(0)).hasMessageContaining("maxConcurrency");
  }
}
