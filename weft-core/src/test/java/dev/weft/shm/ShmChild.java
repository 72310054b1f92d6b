package dev.weft.shm;

/** What the shm tests run in child JVMs; each mode prints "ready" when it holds its reference. */
public final class ShmChild {
  private ShmChild() {}

  public static void main(String[] args) throws Exception {
    ChildJvm.exitWithParent();
    String name = args[1];
    switch (args[0]) {
      case "write" -> {
        try (SharedMemory m = SharedMemory.attach(name)) {
          LongView longs = m.longs();
          for (long i = 0; i < longs.length(); i++) {
            longs.set(i, i * 3);
          }
        }
        System.out.println("done");
      }
      case "hold" -> {
        SharedMemory.attach(name);
        System.out.println("ready");
        Thread.sleep(Long.MAX_VALUE);
      }
      case "create-hold" -> {
        SharedMemory.create(name, 4096);
        System.out.println("ready");
        Thread.sleep(Long.MAX_VALUE);
      }
      case "count" -> {
        // slot 0 the counter, slot 1 the start flag, slot 2 how many children are ready
        long n = Long.parseLong(args[2]);
        try (SharedMemory m = SharedMemory.attach(name)) {
          LongView longs = m.longs();
          longs.getAndAdd(2, 1);
          while (longs.getVolatile(1) == 0) {
            Thread.onSpinWait();
          }
          for (long i = 0; i < n; i++) {
            longs.getAndAdd(0, 1);
          }
        }
        System.out.println("done");
      }
      case "sum-handle" -> { // args[1] is a serialized Handle in Base64, not a name
        SharedMemory.Handle h;
        try (java.io.ObjectInputStream in =
            new java.io.ObjectInputStream(
                new java.io.ByteArrayInputStream(java.util.Base64.getDecoder().decode(name)))) {
          h = (SharedMemory.Handle) in.readObject();
        }
        try (SharedMemory m = h.attachReadOnly()) {
          DoubleView d = m.doubles();
          double sum = 0;
          for (long i = 0; i < d.length(); i++) {
            sum += d.get(i);
          }
          System.out.println("sum=" + sum);
        }
      }
      default -> throw new IllegalArgumentException(args[0]);
    }
  }
}
