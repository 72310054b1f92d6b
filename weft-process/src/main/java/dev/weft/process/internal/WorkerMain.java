package dev.weft.process.internal;

import dev.weft.TaskFunction;
import dev.weft.process.WorkerFailureException;
import dev.weft.process.WorkerInitializer;
import dev.weft.spi.BatchRunner;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The main class of a worker process. It connects to the parent's Unix-domain socket, then reads
 * frames on the main thread, runs batches one at a time on an executor thread, and writes frames on
 * a writer thread (the only thread that touches the socket's output, and never interrupted, so that
 * a cancel's interrupt cannot close the channel).
 *
 * <p>The worker never outlives its parent: the end of the socket (the parent closed it, or died and
 * the kernel closed it) halts the worker at once, and a watchdog thread polls the parent's pid
 * every half second in case the socket stays open somehow.
 *
 * <p>Arguments: socket path, connection token, worker name, parent pid, parent start time (epoch
 * millis, to tell a reused pid apart), codec name.
 */
public final class WorkerMain {
  /** Exit code after an OutOfMemoryError or similar: the parent replaces the worker. */
  static final int EXIT_RETIRED = 3;

  private static final int FLUSH_TASKS = 1024;

  /** About how many bytes of results a worker holds before it sends them. */
  private static final int FLUSH_BYTES = 4 << 20;

  private static final long FLUSH_NANOS = 20_000_000L;
  private static final int MAX_FUNCTIONS = 64;

  private final String name;
  private final Codec codec;
  private final BlockingQueue<byte[]> outbox = new ArrayBlockingQueue<>(64);
  private final BlockingQueue<Task> queue = new LinkedBlockingQueue<>();
  private final Map<Long, Object> functions = new HashMap<>(); // function or Throwable
  private final Map<Long, Task> bySeq = new HashMap<>(); // guarded by this
  private Thread executor;

  /** Results per frame, adapted to their size so that a frame stays near {@link #FLUSH_BYTES}. */
  private int flushEvery = FLUSH_TASKS;

  private WorkerMain(String name, Codec codec) {
    this.name = name;
    this.codec = codec;
  }

  /**
   * Starts a worker.
   *
   * @param args see the class comment
   * @throws Exception if it cannot connect
   */
  public static void main(String[] args) throws Exception {
    Path socket = Path.of(args[0]);
    long token = Long.parseLong(args[1]);
    String name = args[2];
    long parentPid = Long.parseLong(args[3]);
    long parentStart = Long.parseLong(args[4]);
    Codec codec = Codec.named(args[5]);
    WorkerState.name = name;
    Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
      // Anything that escapes a worker's own threads leaves it in an unknown state: go, and let
      // the parent report the loss and replace it.
      System.err.println("weft worker " + name + " failed on thread " + t.getName() + ": " + e);
      System.err.flush();
      Runtime.getRuntime().halt(EXIT_RETIRED);
    });
    watchParent(parentPid, parentStart);
    WorkerMain worker = new WorkerMain(name, codec);
    // The executor starts first and warms its serializer while this thread warms its own: the
    // first batch then costs what later ones cost, not a serializer's creation.
    worker.executor =
        Thread.ofPlatform().daemon(true).name("weft-worker-executor").start(worker::execute);
    codec.warmUp();
    SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    channel.connect(UnixDomainSocketAddress.of(socket));
    worker.run(channel, token);
  }

  private static void watchParent(long parentPid, long parentStart) {
    Thread watch =
        Thread.ofPlatform()
            .daemon(true)
            .name("weft-worker-watchdog")
            .start(() -> {
              while (true) {
                boolean alive =
                    ProcessHandle.of(parentPid)
                        .filter(ProcessHandle::isAlive)
                        .filter(p ->
                            p.info()
                                .startInstant()
                                .map(s -> Math.abs(s.toEpochMilli() - parentStart) < 2_000)
                                .orElse(true))
                        .isPresent();
                if (!alive) {
                  Runtime.getRuntime().halt(0);
                }
                try {
                  Thread.sleep(500);
                } catch (InterruptedException e) {
                  return;
                }
              }
            });
    watch.setPriority(Thread.MAX_PRIORITY);
  }

  private void run(SocketChannel channel, long token) throws IOException {
    DataInputStream in =
        new DataInputStream(new BufferedInputStream(Channels.newInputStream(channel), 1 << 16));
    Thread writer =
        Thread.ofPlatform().daemon(true).name("weft-worker-writer").start(() -> write(channel));
    Wire.Out hello = new Wire.Out(Wire.HELLO);
    hello.data().writeLong(token);
    hello.data().writeLong(ProcessHandle.current().pid());
    send(hello.finish());
    try {
      while (true) {
        Wire.Frame f = Wire.read(in);
        DataInputStream body = f.body();
        switch (f.type()) {
          case Wire.INIT -> initialize(Wire.bytes(body));
          case Wire.FUNCTION -> {
            long id = body.readLong();
            byte[] bytes = Wire.bytes(body);
            Object fn;
            try {
              fn = codec.decode(bytes);
            } catch (Throwable t) {
              fn =
                  new WorkerFailureException(
                      "the task's function could not be deserialized in worker "
                          + name
                          + ": "
                          + Wire.describe(t),
                      t.getClass().getName());
            }
            if (functions.size() >= MAX_FUNCTIONS) {
              throw new IOException("parent sent more functions than the worker caches");
            }
            functions.put(id, fn);
          }
          case Wire.FORGET -> functions.remove(body.readLong());
          case Wire.BATCH -> {
            Task task = readTask(body);
            synchronized (this) {
              bySeq.put(task.seq, task);
            }
            queue.add(task);
          }
          case Wire.CANCEL -> cancel(body.readLong());
          case Wire.RECALL -> recall(body.readLong());
          case Wire.SHUTDOWN -> queue.add(Task.STOP);
          default -> throw new IOException("unknown frame type " + f.type());
        }
      }
    } catch (IOException e) {
      // The parent closed the connection or died: nothing left to do for anyone.
      System.out.flush();
      System.err.flush();
      Runtime.getRuntime().halt(0);
    }
  }

  private void initialize(byte[] bytes) {
    if (bytes.length == 0) {
      return;
    }
    try {
      WorkerInitializer<?> init = (WorkerInitializer<?>) codec.decode(bytes);
      Object state = init.create();
      if (state == null) {
        throw new IllegalStateException("the worker initializer returned null");
      }
      WorkerState.state = state;
    } catch (Throwable t) {
      WorkerState.initFailure = t;
    }
  }

  private Task readTask(DataInputStream body) throws IOException {
    Task t = new Task();
    t.seq = body.readLong();
    t.fnId = body.readLong();
    t.stopOnFailure = body.readBoolean();
    t.flushEach = body.readBoolean();
    t.count = body.readInt();
    int skips = body.readInt();
    t.skip = new boolean[t.count];
    for (int i = 0; i < skips; i++) {
      t.skip[body.readInt()] = true;
    }
    byte[] inputs = Wire.bytes(body);
    try {
      t.inputs = (Object[]) codec.decode(inputs);
    } catch (Throwable e) {
      t.decodeFailure =
          new WorkerFailureException(
              "the batch's inputs could not be deserialized in worker "
                  + name
                  + ": "
                  + Wire.describe(e),
              e.getClass().getName());
    }
    return t;
  }

  private void recall(long seq) throws IOException {
    synchronized (this) {
      Task t = bySeq.get(seq);
      if (t == null || t.running) {
        return; // started (or over): it stays here
      }
      t.recalled = true;
      bySeq.remove(seq);
    }
    Wire.Out end = new Wire.Out(Wire.END);
    end.data().writeLong(seq);
    end.data().writeInt(0);
    end.data().writeLong(0);
    end.data().writeBoolean(false);
    end.data().writeBoolean(true);
    send(end.finish());
  }

  private void cancel(long seq) {
    synchronized (this) {
      Task t = bySeq.get(seq);
      if (t == null) {
        return;
      }
      t.stop = true;
      if (t.running) {
        executor.interrupt();
      }
    }
  }

  private void send(byte[] frame) {
    boolean interrupted = false;
    while (true) {
      try {
        outbox.put(frame);
        break;
      } catch (InterruptedException e) {
        // A cancel's interrupt is for the task, not for the hand-off of its results.
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void write(SocketChannel channel) {
    try {
      while (true) {
        byte[] frame = outbox.take();
        ByteBuffer b = ByteBuffer.wrap(frame);
        while (b.hasRemaining()) {
          channel.write(b);
        }
      }
    } catch (IOException | InterruptedException e) {
      Runtime.getRuntime().halt(0);
    }
  }

  private void execute() {
    codec.warmUp();
    while (true) {
      Task task;
      try {
        task = queue.take();
      } catch (InterruptedException e) {
        continue; // a cancel that came just after its batch ended
      }
      if (task == Task.STOP) {
        drainAndExit(0);
      }
      synchronized (this) {
        if (task.recalled) {
          continue; // given back to the parent, which has it run elsewhere
        }
        task.running = true;
      }
      boolean retire = runTask(task);
      synchronized (this) {
        bySeq.remove(task.seq);
        task.running = false;
        Thread.interrupted(); // a late cancel must not reach the next batch
      }
      System.out.flush();
      System.err.flush();
      if (retire) {
        drainAndExit(EXIT_RETIRED);
      }
    }
  }

  private void drainAndExit(int code) {
    System.out.flush();
    System.err.flush();
    // Let the writer put everything on the wire, then go. A bounded wait: if the parent stopped
    // reading, it is gone or killing this worker anyway.
    for (int i = 0; i < 200 && !outbox.isEmpty(); i++) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        break;
      }
    }
    try {
      Thread.sleep(20); // the last frame was taken, maybe not yet written
    } catch (InterruptedException ignored) {
      // exiting anyway
    }
    Runtime.getRuntime().halt(code);
  }

  /** Runs one batch, streaming its results; true if the worker must retire afterwards. */
  @SuppressWarnings("unchecked")
  private boolean runTask(Task task) {
    if (task.flushEach) {
      Wire.Out started = new Wire.Out(Wire.STARTED);
      try {
        started.data().writeLong(task.seq);
        send(started.finish());
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }
    long start = System.nanoTime();
    int n = task.count;
    Object[] values = new Object[n];
    Throwable[] errors = new Throwable[n];
    Object fn = functions.get(task.fnId);
    Throwable setup = task.decodeFailure;
    if (setup == null && fn instanceof Throwable t) {
      setup = t;
    }
    if (setup == null && fn == null) {
      setup = new WorkerFailureException("worker " + name + " lacks the batch's function", null);
    }
    boolean retire = false;
    int i = 0;
    int flushed = 0;
    long lastFlush = start;
    if (setup != null) {
      int upTo = task.stopOnFailure ? Math.min(1, n) : n;
      for (; i < upTo; i++) {
        errors[i] = setup;
      }
    } else {
      TaskFunction<Object, Object> function = (TaskFunction<Object, Object>) fn;
      while (i < n) {
        if (task.stop) {
          break;
        }
        if (!task.skip[i]) {
          try {
            values[i] = function.apply(task.inputs[i]);
          } catch (Throwable t) {
            if (task.stop && BatchRunner.isInterruption(t)) {
              break;
            }
            errors[i] = withHint(t);
            if (t instanceof VirtualMachineError) {
              retire = true;
            }
            if (task.stopOnFailure || retire) {
              i++;
              break;
            }
          }
          task.inputs[i] = null; // done with it: let a long batch's inputs go
        }
        i++;
        long now = System.nanoTime();
        if (task.flushEach || i - flushed >= flushEvery || now - lastFlush >= FLUSH_NANOS) {
          flush(task.seq, values, errors, flushed, i);
          flushed = i;
          lastFlush = now;
        }
      }
    }
    if (retire) {
      Wire.Out r = new Wire.Out(Wire.RETIRING);
      try {
        r.data().writeUTF(String.valueOf(errors[i - 1]));
        send(r.finish());
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }
    flush(task.seq, values, errors, flushed, i);
    Wire.Out end = new Wire.Out(Wire.END);
    try {
      end.data().writeLong(task.seq);
      end.data().writeInt(i);
      end.data().writeLong(System.nanoTime() - start);
      end.data().writeBoolean(retire);
      end.data().writeBoolean(false); // not recalled
      send(end.finish());
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return retire;
  }

  private Throwable withHint(Throwable t) {
    if (t instanceof OutOfMemoryError) {
      OutOfMemoryError e =
          new OutOfMemoryError(
              t.getMessage()
                  + " (in worker "
                  + name
                  + ", max heap "
                  + (Runtime.getRuntime().maxMemory() >> 20)
                  + " MiB; raise it with ProcessOptions.withHeap; the worker was replaced)");
      e.setStackTrace(t.getStackTrace());
      return e;
    }
    if (t instanceof StackOverflowError) {
      StackOverflowError e =
          new StackOverflowError(
              (t.getMessage() == null ? "" : t.getMessage() + " ")
                  + "(in worker "
                  + name
                  + ": recursion too deep for the thread stack; a larger stack needs"
                  + " ProcessOptions.withJvmOptions(\"-Xss...\"); the worker was replaced)");
      StackTraceElement[] trace = t.getStackTrace();
      e.setStackTrace(java.util.Arrays.copyOf(trace, Math.min(trace.length, 64)));
      return e;
    }
    return t;
  }

  /** Sends results {@code [from, to)}; a result that cannot be serialized becomes its error. */
  private void flush(long seq, Object[] values, Throwable[] errors, int from, int to) {
    if (from >= to) {
      return;
    }
    Object[] chunk = java.util.Arrays.copyOfRange(values, from, to);
    byte[] encoded;
    try {
      encoded = codec.encode(chunk);
    } catch (Throwable whole) {
      for (int k = 0; k < chunk.length; k++) {
        if (chunk[k] == null) {
          continue;
        }
        try {
          codec.encode(chunk[k]);
        } catch (Throwable t) {
          chunk[k] = null;
          errors[from + k] =
              new WorkerFailureException(
                  "the result ("
                      + values[from + k].getClass().getName()
                      + ") could not be serialized in worker "
                      + name
                      + ": "
                      + Wire.describe(t),
                  t.getClass().getName());
        }
      }
      try {
        encoded = codec.encode(chunk);
      } catch (Throwable t) {
        throw new IllegalStateException("results fail to serialize as a whole", t);
      }
    }
    List<Integer> failed = new ArrayList<>();
    for (int k = from; k < to; k++) {
      if (errors[k] != null) {
        failed.add(k);
      }
    }
    Wire.Out out = new Wire.Out(Wire.RESULTS);
    try {
      DataOutputStream d = out.data();
      d.writeLong(seq);
      d.writeInt(from);
      d.writeInt(to - from);
      d.writeInt(failed.size());
      for (int k : failed) {
        d.writeInt(k);
        out.bytes(Wire.error(errors[k], name));
        errors[k] = null;
      }
      out.bytes(encoded);
      int perResult = Math.max(1, encoded.length / (to - from));
      flushEvery = Math.clamp(FLUSH_BYTES / perResult, 1, FLUSH_TASKS);
      send(out.finish());
    } catch (IOException e) {
      // Too large a frame: say so for each of these tasks instead.
      Wire.Out small = new Wire.Out(Wire.RESULTS);
      try {
        DataOutputStream d = small.data();
        d.writeLong(seq);
        d.writeInt(from);
        d.writeInt(to - from);
        d.writeInt(to - from);
        for (int k = from; k < to; k++) {
          d.writeInt(k);
          small.bytes(
              Wire.error(
                  new WorkerFailureException(
                      "the results could not be sent from worker " + name + ": " + e, null),
                  name));
        }
        small.bytes(codec.encode(new Object[to - from]));
        send(small.finish());
      } catch (Exception again) {
        throw new IllegalStateException(again);
      }
    }
    java.util.Arrays.fill(values, from, to, null);
  }

  /** One batch as the worker sees it. */
  private static final class Task {
    static final Task STOP = new Task();
    long seq;
    long fnId;
    boolean stopOnFailure;
    boolean flushEach;
    int count;
    boolean[] skip;
    Object[] inputs;
    Throwable decodeFailure;
    volatile boolean stop;
    boolean running; // guarded by the WorkerMain
    boolean recalled; // guarded by the WorkerMain
  }
}
