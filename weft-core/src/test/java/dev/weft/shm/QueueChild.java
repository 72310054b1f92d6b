package dev.weft.shm;

import java.io.IOException;

/** What the queue tests run in child JVMs: senders and holders of a queue of longs. */
public final class QueueChild {
  private QueueChild() {}

  public static void main(String[] args) throws Exception {
    ChildJvm.exitWithParent();
    String name = args[1];
    SharedQueue<Long> q = SharedQueue.open(name, Codec.longs());
    switch (args[0]) {
      case "produce" -> { // send 0..n-1, then end the queue
        long n = Long.parseLong(args[2]);
        try (q) {
          for (long i = 0; i < n; i++) {
            q.send(i);
          }
        }
      }
      case "produce-detach" -> { // send from..from+n-1, leave the queue open for the others
        long from = Long.parseLong(args[2]);
        long n = Long.parseLong(args[3]);
        for (long i = from; i < from + n; i++) {
          q.send(i);
        }
        q.detach();
      }
      case "send-hold" -> { // send k, then hold the end until killed
        long k = Long.parseLong(args[2]);
        for (long i = 0; i < k; i++) {
          q.send(i);
        }
        System.out.println("ready");
        Thread.sleep(Long.MAX_VALUE);
      }
      case "consume" -> { // receive until the end, then report count and sum
        long count = 0;
        long sum = 0;
        System.out.println("ready");
        try (q) {
          for (long v : q) {
            count++;
            sum += v;
          }
        }
        System.out.println("count=" + count + " sum=" + sum);
      }
      case "hold" -> { // an end that never receives
        System.out.println("ready");
        Thread.sleep(Long.MAX_VALUE);
      }
      case "fail" -> {
        q.send(1L);
        q.fail(new IOException(args[2]));
        q.detach();
      }
      default -> throw new IllegalArgumentException(args[0]);
    }
    System.out.println("done");
  }
}
