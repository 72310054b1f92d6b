package dev.weft.shm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SharedMemoryTest {
  private static final ShmLeaks LEAKS = new ShmLeaks("SharedMemoryTest");

  @AfterAll
  static void noSegmentIsLeftBehind() throws Exception {
    LEAKS.assertNoneLeft();
  }

  @Test
  void anAttachmentSeesTheCreatorsBytesAndTheCreatorSeesItsWrites() throws Exception {
    String name = LEAKS.name();
    try (SharedMemory a = SharedMemory.create(name, 64);
        SharedMemory b = SharedMemory.attach(name)) {
      assertThat(b.byteSize()).isEqualTo(64);
      a.longs().set(3, 42);
      assertThat(b.longs().get(3)).isEqualTo(42);
      b.segment().set(java.lang.foreign.ValueLayout.JAVA_BYTE, 0, (byte) 7);
      assertThat(a.bytes().get(0)).isEqualTo((byte) 7);
      assertThat(a.segment().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)).hasSize(64);
    }
    assertThat(LEAKS.leftOver()).isEmpty();
  }

  @Test
  void aNewSegmentIsZeroAndTheTypedViewsCoverItsBytes() throws Exception {
    try (SharedMemory m = SharedMemory.create(LEAKS.name(), 80)) {
      assertThat(m.longs().length()).isEqualTo(10);
      assertThat(m.doubles().length()).isEqualTo(10);
      assertThat(m.ints().length()).isEqualTo(20);
      assertThat(m.bytes().length()).isEqualTo(80);
      for (long i = 0; i < 80; i++) {
        assertThat(m.bytes().get(i)).isZero();
      }
      m.doubles().set(9, 2.5);
      assertThat(m.doubles().get(9)).isEqualTo(2.5);
      m.ints().set(0, -1);
      assertThat(m.longs().get(0)).isEqualTo(0xFFFF_FFFFL);
      assertThat(m.longs().asSegment()).isSameAs(m.segment());
      assertThatThrownBy(() -> m.longs().get(10)).isInstanceOf(IndexOutOfBoundsException.class);
    }
  }

  @Test
  void theAtomicsOfALongViewUpdateInPlace() throws Exception {
    try (SharedMemory m = SharedMemory.create(LEAKS.name(), 16)) {
      LongView l = m.longs();
      assertThat(l.getAndAdd(1, 5)).isZero();
      assertThat(l.getAndAdd(1, 5)).isEqualTo(5);
      assertThat(l.compareAndSet(1, 9, 1)).isFalse();
      assertThat(l.compareAndSet(1, 10, 1)).isTrue();
      l.setVolatile(0, -4);
      assertThat(l.getVolatile(0)).isEqualTo(-4);
      assertThat(l.getVolatile(1)).isEqualTo(1);
    }
  }

  @Test
  void aReadOnlyAttachmentReadsAndRefusesWrites() throws Exception {
    String name = LEAKS.name();
    try (SharedMemory m = SharedMemory.create(name, 64);
        SharedMemory ro = SharedMemory.attachReadOnly(name)) {
      m.longs().set(0, 11);
      assertThat(ro.isReadOnly()).isTrue();
      assertThat(ro.segment().isReadOnly()).isTrue();
      assertThat(ro.longs().get(0)).isEqualTo(11);
      assertThatThrownBy(() -> ro.longs().set(0, 1)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> ro.longs().getAndAdd(0, 1))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> ro.doubles().set(0, 1)).isInstanceOf(IllegalArgumentException.class);
      assertThat(m.longs().get(0)).isEqualTo(11);
    }
  }

  @Test
  void creatingAnExistingNameAndAttachingAMissingOneFailNamingIt() throws Exception {
    String name = LEAKS.name();
    try (SharedMemory m = SharedMemory.create(name, 8)) {
      assertThatThrownBy(() -> SharedMemory.create(name, 8))
          .isInstanceOf(FileAlreadyExistsException.class)
          .hasMessageContaining(name);
    }
    assertThatThrownBy(() -> SharedMemory.attach(name))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("no weft segment named '" + name + "'");
  }

  @Test
  void badNamesAndSizesAreRefusedSayingWhy() {
    for (String bad : new String[] {"a/b", "/x", "..", ".hidden", "-x", "a b", "é"}) {
      assertThatThrownBy(() -> SharedMemory.create(bad, 8))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("letters, digits");
    }
    assertThatThrownBy(() -> SharedMemory.attach(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty");
    assertThatThrownBy(() -> SharedMemory.create("x".repeat(201), 8))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most 200");
    assertThatThrownBy(() -> SharedMemory.create(LEAKS.name(), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("byteSize");
  }

  @Test
  void theSegmentLivesWhileAnyReferenceDoesAndGoesWithTheLast() throws Exception {
    String name = LEAKS.name();
    SharedMemory creator = SharedMemory.create(name, 8);
    SharedMemory other = SharedMemory.attach(name);
    creator.close();
    other.longs().set(0, 5); // still mapped, still named
    try (SharedMemory third = SharedMemory.attach(name)) {
      assertThat(third.longs().get(0)).isEqualTo(5);
      other.close();
      assertThat(LEAKS.leftOver()).hasSize(1);
    }
    assertThat(LEAKS.leftOver()).isEmpty();
    assertThatThrownBy(() -> SharedMemory.attach(name)).isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void unlinkTakesTheNameAtOnceAndTheMemoryWithTheLastHolder() throws Exception {
    String name = LEAKS.name();
    SharedMemory a = SharedMemory.create(name, 8);
    SharedMemory b = SharedMemory.attach(name);
    a.longs().set(0, 1);
    a.unlink();
    a.unlink(); // idempotent
    assertThatThrownBy(() -> SharedMemory.attach(name))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining(name);
    try (SharedMemory reused = SharedMemory.create(name, 8)) {
      reused.longs().set(0, 99); // a new segment: the old holders do not see it
      assertThat(b.longs().get(0)).isEqualTo(1);
    }
    a.close();
    b.longs().set(0, 2);
    assertThat(b.longs().get(0)).isEqualTo(2);
    assertThat(LEAKS.leftOver()).hasSize(1); // b's unlinked remnant
    b.close();
    assertThat(LEAKS.leftOver()).isEmpty();
  }

  @Test
  void aClosedAttachmentRefusesUseAndClosesOnce() throws Exception {
    SharedMemory m = SharedMemory.create(LEAKS.name(), 8);
    LongView l = m.longs();
    m.close();
    m.close();
    assertThatThrownBy(() -> l.get(0)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(m::unlink).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aHandleCrossesSerializationAndAttachesTheSameMemory() throws Exception {
    try (SharedMemory m = SharedMemory.create(LEAKS.name(), 24)) {
      m.doubles().set(2, 3.25);
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
        out.writeObject(m.handle());
      }
      SharedMemory.Handle h;
      try (ObjectInputStream in =
          new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
        h = (SharedMemory.Handle) in.readObject();
      }
      assertThat(h).isEqualTo(new SharedMemory.Handle(m.name(), 24));
      try (SharedMemory w = h.attachReadOnly()) {
        assertThat(w.doubles().get(2)).isEqualTo(3.25);
      }
      assertThatThrownBy(() -> new SharedMemory.Handle(m.name(), 16).attach())
          .hasMessageContaining("has 24 bytes, not 16");
    }
  }

  @Test
  void aHandleShippedToAnotherJvmMapsTheArrayThereInsteadOfCopyingIt() throws Exception {
    int n = 100_000;
    try (SharedMemory m = SharedMemory.create(LEAKS.name(), 8L * n)) {
      DoubleView d = m.doubles();
      for (int i = 0; i < n; i++) {
        d.set(i, i * 0.5);
      }
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
        out.writeObject(m.handle());
      }
      String shipped = java.util.Base64.getEncoder().encodeToString(bytes.toByteArray());
      assertThat(shipped.length()).as("the handle, not the array").isLessThan(1_000);
      try (ChildJvm child = ChildJvm.start(ShmChild.class, "sum-handle", shipped)) {
        assertThat(child.waitFor()).as(child.output()).isZero();
        assertThat(child.output()).contains("sum=" + (0.5 * n * (n - 1) / 2));
      }
    }
  }

  @Test
  void aLiveProcessCountsOnlyWithItsOwnStartTimeSoAReusedPidDoesNot() {
    long self = SharedMemory.identity(ProcessHandle.current());
    assertThat(SharedMemory.isAlive(self)).isTrue();
    assertThat(SharedMemory.isAlive(self ^ 1)).as("same pid, another start time").isFalse();
    assertThat(SharedMemory.isAlive((long) Integer.MAX_VALUE << 32 | 1)).isFalse();
  }

  @Test
  void anotherJvmWritesWhatThisOneReads() throws Exception {
    String name = LEAKS.name();
    try (SharedMemory m = SharedMemory.create(name, 8 * 1000);
        ChildJvm child = ChildJvm.start(ShmChild.class, "write", name)) {
      assertThat(child.waitFor()).as(child.output()).isZero();
      for (int i = 0; i < 1000; i++) {
        assertThat(m.longs().get(i)).isEqualTo(i * 3L);
      }
    }
  }

  @Test
  void aKilledHoldersReferenceIsDroppedAndTheSegmentGoesWithTheLastLiveOne() throws Exception {
    String name = LEAKS.name();
    SharedMemory m = SharedMemory.create(name, 8);
    try (ChildJvm child = ChildJvm.start(ShmChild.class, "hold", name)) {
      child.await("ready");
      assertThat(m.deadHolders()).isEmpty();
      child.kill();
      assertThat(m.deadHolders()).containsExactly(child.pid());
      SharedMemory.reclaimOrphans();
      assertThat(LEAKS.leftOver()).as("held by this JVM: not an orphan").hasSize(1);
    }
    m.close();
    assertThat(LEAKS.leftOver()).isEmpty();
  }

  @Test
  void aSegmentWhoseEveryHolderWasKilledIsReclaimed() throws Exception {
    String name = LEAKS.name();
    try (ChildJvm child = ChildJvm.start(ShmChild.class, "create-hold", name)) {
      child.await("ready");
      SharedMemory.reclaimOrphans();
      assertThat(LEAKS.leftOver()).as("held by a live child: not an orphan").hasSize(1);
      child.kill();
    }
    SharedMemory.reclaimOrphans(); // another build's reclaim may get there first: check the result
    assertThat(LEAKS.leftOver()).isEmpty();
  }

  @Test
  void twoJvmsIncrementingOneCounterLoseNoIncrement() throws Exception {
    String name = LEAKS.name();
    long perChild = 500_000;
    try (SharedMemory m = SharedMemory.create(name, 24);
        ChildJvm a = ChildJvm.start(ShmChild.class, "count", name, String.valueOf(perChild));
        ChildJvm b = ChildJvm.start(ShmChild.class, "count", name, String.valueOf(perChild))) {
      LongView l = m.longs();
      while (l.getVolatile(2) < 2) { // both attached: the increments overlap
        Thread.onSpinWait();
        assertThat(a.isAlive() && b.isAlive()).as(a.output() + b.output()).isTrue();
      }
      l.setVolatile(1, 1);
      for (long i = 0; i < perChild; i++) {
        l.getAndAdd(0, 1);
      }
      assertThat(a.waitFor()).as(a.output()).isZero();
      assertThat(b.waitFor()).as(b.output()).isZero();
      assertThat(l.getVolatile(0)).isEqualTo(3 * perChild);
    }
  }
}
