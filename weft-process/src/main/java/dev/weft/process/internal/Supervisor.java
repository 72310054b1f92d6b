package dev.weft.process.internal;

import dev.weft.process.ProcessOptions;
import dev.weft.process.WorkerFailureException;
import dev.weft.spi.Batch;
import dev.weft.spi.BatchCallback;
import dev.weft.spi.BatchControl;
import dev.weft.spi.BatchResult;
import dev.weft.spi.Recorder;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The parent side of a process engine: worker slots, the queue of attempts, and what happens when a
 * worker dies.
 *
 * <p>Threads: per slot a sender (starts the slot's worker process, writes every frame to it) and,
 * per process, a reader (applies the frames it reads) and two output pumps; one acceptor for the
 * engine's Unix-domain socket; one timer that kills workers whose task passed its deadline.
 *
 * <p>Implementation note. One lock guards all mutable state (tickets, attempts, slots, the queue)
 * and one condition, {@code changed}, is signalled on every change; workers are few, so a shared
 * condition costs little and leaves no wake-up to miss. Invariants, under the lock:
 *
 * <ul>
 *   <li>an attempt is in exactly one place: {@code pending}, or one live {@link Conn}'s {@code
 *       inflight}; {@code ticket.outstanding} counts those places;
 *   <li>a ticket completes (its callback runs, once, outside the lock) when {@code outstanding}
 *       drops to 0, and never before, so a late frame of an attempt cannot touch a finished ticket
 *       ({@link Ticket#resolve} also refuses to overwrite a position);
 *   <li>of a connection's in-flight attempts only the oldest can have started: a worker runs its
 *       batches in order and sends a batch's END before it starts the next, and the socket keeps
 *       the order, so when a worker dies the younger attempts are re-queued without blame;
 *   <li>{@code room} has one permit per ticket that is not yet complete, plus the free ones.
 * </ul>
 */
public final class Supervisor {
  private static final AtomicInteger ENGINE_IDS = new AtomicInteger();
  private static final int RUNNING = 0;
  private static final int SHUTDOWN = 1;
  private static final int STOP = 2;

  /** Batches sent to a worker before its first result: the next is there when one ends. */
  static final int PIPELINE = 2;

  /** Functions a worker caches; the parent evicts (and tells the worker) beyond this. */
  static final int MAX_CACHED_FUNCTIONS = 32;

  /** How long a new worker may take to connect; a property so that a test can shorten it. */
  private static long connectTimeoutMillis() {
    return Long.getLong("weft.process.connectTimeoutMillis", 60_000);
  }

  /** A function's id and serialized form, made once per function object. */
  record FnEntry(long id, byte[] bytes, Throwable failure) {}

  private final ProcessOptions options;
  private final String name;
  private final Codec codec;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Semaphore room;
  private final ArrayDeque<Attempt> pending = new ArrayDeque<>();
  private final Slot[] slots;
  private final Map<Object, FnEntry> functions = Collections.synchronizedMap(new WeakHashMap<>());
  private final Map<Long, CompletableFuture<SocketChannel>> connecting = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  private final SecureRandom random = new SecureRandom();
  private final byte[] initBytes;
  private volatile long handoffNanos = 50_000;
  private int runState = RUNNING;
  private long stopDeadline; // when shutdownNow's grace ends
  private int liveTickets;
  private int slotsExited;
  private boolean terminated;
  private volatile boolean started;
  private Recorder recorder = Recorder.NONE;
  private Path dir;
  private Path socketPath;
  private ServerSocketChannel server;

  /** The engine's long-lived threads, joined before termination is reported. */
  private final List<Thread> threads = new java.util.concurrent.CopyOnWriteArrayList<>();

  private static final class Slot {
    final int index;
    String
        name; // the slot's workers' name: stable across replacements, which their pids tell apart
    dev.weft.spi.WorkerRecorder recorder; // one per slot, so replacements do not grow the accounts
    Conn conn;
    boolean startFailed; // the last start failed: no eager restart until work comes
    int quickDeaths; // workers in a row that died before finishing a batch
    boolean idled; // its worker left for want of work: eager start waits for work too

    Slot(int index) {
      this.index = index;
    }
  }

  /**
   * Creates the supervisor; nothing starts before {@link #start}.
   *
   * @param options the options
   */
  public Supervisor(ProcessOptions options) {
    this.options = Objects.requireNonNull(options, "options");
    this.name = "weft-proc-" + ENGINE_IDS.incrementAndGet();
    this.codec = Codec.named(System.getProperty("weft.process.codec", "fory"));
    this.room = new Semaphore(Math.max(64, 16 * options.workers()));
    this.slots = new Slot[options.workers()];
    for (int i = 0; i < slots.length; i++) {
      slots[i] = new Slot(i);
    }
    if (options.initializer() != null) {
      try {
        initBytes = codec.encode(options.initializer());
      } catch (Exception e) {
        throw new IllegalArgumentException(
            "the worker initializer cannot be serialized (does it capture something that is"
                + " not serializable?): "
                + e,
            e);
      }
    } else {
      initBytes = new byte[0];
    }
  }

  /**
   * The engine's name, the prefix of its workers' names.
   *
   * @return such as {@code weft-proc-1}
   */
  public String name() {
    return name;
  }

  /**
   * The number of worker slots.
   *
   * @return the workers
   */
  public int workers() {
    return slots.length;
  }

  /**
   * What a round trip of a batch costs beyond its run time, as measured: an EWMA.
   *
   * @return nanoseconds
   */
  public long handoffNanos() {
    return handoffNanos;
  }

  /**
   * The pids of the worker processes alive now, for tests and diagnostics.
   *
   * @return pids
   */
  public List<Long> workerPids() {
    lock.lock();
    try {
      List<Long> pids = new ArrayList<>();
      for (Slot s : slots) {
        if (s.conn != null && !s.conn.dead) {
          pids.add(s.conn.pid);
        }
      }
      return pids;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Opens the socket and starts the threads (not the workers, unless eager).
   *
   * @param recorder where the workers' time goes
   */
  public void start(Recorder recorder) {
    lock.lock();
    try {
      if (started) {
        throw new IllegalStateException("engine already started");
      }
      this.recorder = Objects.requireNonNull(recorder, "recorder");
      for (Slot s : slots) {
        s.name = name + "-w" + (s.index + 1);
        s.recorder = recorder.worker(s.name);
      }
      dir =
          Files.createTempDirectory(
              "weft-proc-",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      socketPath = dir.resolve("s");
      server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      server.bind(UnixDomainSocketAddress.of(socketPath));
      started = true;
    } catch (IOException e) {
      throw new IllegalStateException("cannot open the workers' socket: " + e, e);
    } finally {
      lock.unlock();
    }
    threads.add(Thread.ofPlatform().daemon(true).name(name + "-acceptor").start(this::acceptLoop));
    threads.add(Thread.ofPlatform().daemon(true).name(name + "-timer").start(this::timerLoop));
    for (Slot s : slots) {
      threads.add(
          Thread.ofPlatform()
              .daemon(true)
              .name(name + "-sender-" + (s.index + 1))
              .start(() -> senderLoop(s)));
    }
  }

  // ------------------------------------------------------------------------------ accepting work

  /**
   * Accepts a batch.
   *
   * @param batch the batch
   * @param callback told once
   * @return its control
   * @throws InterruptedException if interrupted while waiting for room
   */
  public BatchControl execute(Batch<?, ?> batch, BatchCallback callback)
      throws InterruptedException {
    Objects.requireNonNull(batch, "batch");
    Objects.requireNonNull(callback, "callback");
    if (!started) {
      throw new IllegalStateException("engine not started");
    }
    room.acquire();
    boolean accepted = false;
    List<Runnable> done = new ArrayList<>(1);
    Ticket t = new Ticket(this, batch, callback, Core.timeoutNanos(batch));
    try {
      FnEntry fn = functionEntry(batch.function());
      lock.lock();
      try {
        if (runState != RUNNING) {
          throw new RejectedExecutionException("pool is shut down");
        }
        accepted = true;
        liveTickets++;
        t.fn = fn;
        int n = batch.size();
        if (fn.failure() != null) {
          t.startNanos = System.nanoTime();
          for (int p = 0; p < (batch.stopOnFailure() ? Math.min(1, n) : n); p++) {
            t.resolve(p, null, fn.failure());
          }
          maybeComplete(t, done);
        } else if (n == 0) {
          maybeComplete(t, done);
        } else {
          t.outstanding = 1;
          pending.addLast(new Attempt(t, 0, n, n == 1));
          changed.signalAll();
        }
      } finally {
        lock.unlock();
      }
    } finally {
      if (!accepted) {
        room.release();
      }
    }
    run(done);
    return t;
  }

  private FnEntry functionEntry(Object fn) {
    synchronized (functions) {
      FnEntry e = functions.get(fn);
      if (e == null) {
        long id = ids.incrementAndGet();
        try {
          long s = System.nanoTime();
          byte[] bytes = codec.encode(fn);
          Core.serialization(dev.weft.spi.WorkerRecorder.NONE, s, System.nanoTime());
          e = new FnEntry(id, bytes, null);
        } catch (Throwable x) {
          e =
              new FnEntry(
                  id,
                  null,
                  new WorkerFailureException(
                      "the task's function cannot be serialized for a worker process (does it"
                          + " capture something that is not serializable?): "
                          + x,
                      x.getClass().getName()));
        }
        functions.put(fn, e);
      }
      return e;
    }
  }

  void cancel(Ticket t) {
    List<Runnable> done = new ArrayList<>(1);
    lock.lock();
    try {
      if (t.done || t.cancelled) {
        return;
      }
      t.cancelled = true;
      dropQueued(t, -1);
      for (Attempt a : t.sent) {
        sendCancel(a);
      }
      maybeComplete(t, done);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    run(done);
  }

  /** Removes the queued attempts of {@code t} that start after position {@code after}. */
  private void dropQueued(Ticket t, int after) {
    for (Iterator<Attempt> it = pending.iterator(); it.hasNext(); ) {
      Attempt a = it.next();
      if (a.ticket == t && a.from > after) {
        it.remove();
        t.outstanding--;
        for (int p = a.from; p < a.to; p++) {
          t.skip(p);
        }
      }
    }
  }

  private void sendCancel(Attempt a) {
    if (a.cancelSent || a.conn == null || a.conn.dead) {
      return;
    }
    a.cancelSent = true;
    Wire.Out out = new Wire.Out(Wire.CANCEL);
    try {
      out.data().writeLong(a.seq);
      a.conn.controls.add(out.finish());
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** After a fail-fast failure: what comes after it in the batch is not needed any more. */
  private void pruneAfterFailure(Ticket t) {
    if (t.failedAt < 0) {
      return;
    }
    dropQueued(t, t.failedAt);
    for (Attempt a : t.sent) {
      if (a.from > t.failedAt) {
        sendCancel(a);
      }
    }
  }

  private void maybeComplete(Ticket t, List<Runnable> done) {
    if (t.done || t.outstanding > 0) {
      return;
    }
    t.done = true;
    liveTickets--;
    room.release();
    BatchResult r = t.result(System.nanoTime());
    BatchCallback cb = t.callback;
    done.add(() -> cb.completed(r));
    changed.signalAll();
  }

  private static void run(List<Runnable> done) {
    for (Runnable r : done) {
      r.run();
    }
  }

  // ---------------------------------------------------------------------------------- the sender

  private static final int EXIT = 0;
  private static final int START = 1;
  private static final int CONTROL = 2;
  private static final int SEND = 3;
  private static final int RETIRE = 4;

  private void senderLoop(Slot slot) {
    while (true) {
      int action;
      Conn c;
      Attempt attempt = null;
      byte[] control = null;
      lock.lock();
      try {
        while (true) {
          c = slot.conn;
          if (runState == STOP || (runState == SHUTDOWN && liveTickets == 0)) {
            action = EXIT;
            break;
          }
          if (c == null) {
            // An eager slot whose workers keep dying before they finish anything (an initializer
            // that halts, say) stops restarting them until work comes, instead of looping.
            if (!pending.isEmpty()
                || (options.eagerStart()
                    && runState == RUNNING
                    && !slot.startFailed
                    && !slot.idled
                    && slot.quickDeaths < 3)) {
              slot.idled = false;
              action = START;
              break;
            }
            changed.awaitUninterruptibly();
            continue;
          }
          if (c.dead) {
            changed.awaitUninterruptibly();
            continue;
          }
          if (!c.controls.isEmpty()) {
            control = c.controls.poll();
            action = CONTROL;
            break;
          }
          if (c.retiring) {
            if (c.inflight.isEmpty() && !c.planned) {
              c.planned = true;
              action = RETIRE;
              break;
            }
            changed.awaitUninterruptibly();
            continue;
          }
          if (c.inflight.size() < PIPELINE && !pending.isEmpty() && mayTake(slot, c)) {
            attempt = pending.pollFirst();
            long now = System.nanoTime();
            attempt.conn = c;
            attempt.seq = ids.incrementAndGet();
            attempt.sentNanos = now;
            if (c.inflight.isEmpty()) {
              attempt.progressNanos = now;
              c.recorder.idle(c.idleSince, now); // the worker had nothing to do until now
            }
            c.inflight.add(attempt);
            attempt.ticket.sent.add(attempt);
            if (attempt.ticket.startNanos == 0) {
              attempt.ticket.startNanos = now;
            }
            action = SEND;
            break;
          }
          if (c.inflight.isEmpty() && pending.isEmpty() && recallOne(slot)) {
            changed.signalAll();
            continue;
          }
          Duration idle = options.idleTimeout();
          if (idle != null && c.inflight.isEmpty() && pending.isEmpty()) {
            long left = c.idleSince + idle.toNanos() - System.nanoTime();
            if (left <= 0) {
              c.retiring = true;
              slot.idled = true;
              continue;
            }
            try {
              changed.awaitNanos(left);
            } catch (InterruptedException e) {
              // never interrupted
            }
            continue;
          }
          changed.awaitUninterruptibly();
        }
      } finally {
        lock.unlock();
      }
      switch (action) {
        case EXIT -> {
          exit(slot);
          return;
        }
        case START -> startWorker(slot);
        case CONTROL -> writeQuietly(c, control);
        case SEND -> send(c, attempt);
        case RETIRE -> {
          Wire.Out out = new Wire.Out(Wire.SHUTDOWN);
          try {
            writeQuietly(c, out.finish());
          } catch (IOException e) {
            throw new AssertionError(e);
          }
        }
        default -> throw new AssertionError(action);
      }
    }
  }

  /**
   * Whether this slot may take the next attempt. An idle worker always may. A busy one takes a
   * second (pipelined, so that it never idles on the round trip) only if the queue holds more than
   * the other slots that are idle or starting can take: a batch queued behind a long task on one
   * worker while another worker idles would wait for nothing, or forever if the long task waits for
   * it. Under the lock.
   */
  private boolean mayTake(Slot me, Conn c) {
    if (c.inflight.isEmpty()) {
      return true;
    }
    int idleElsewhere = 0;
    for (Slot s : slots) {
      if (s == me) {
        continue;
      }
      Conn o = s.conn;
      if (o == null ? !s.startFailed : !o.dead && !o.retiring && o.inflight.isEmpty()) {
        idleElsewhere++;
      }
    }
    return pending.size() > idleElsewhere;
  }

  /**
   * For an idle worker when nothing is queued: asks a busy worker to give back a batch that waits
   * behind its running one (pipelined, not started), so that it runs here instead of waiting, maybe
   * for a long task, maybe forever if that task waits for it. Under the lock.
   *
   * @return true if a recall was asked for
   */
  private boolean recallOne(Slot me) {
    for (Slot s : slots) {
      Conn o = s.conn;
      if (s == me || o == null || o.dead || o.inflight.size() < 2) {
        continue;
      }
      Attempt youngest = o.inflight.get(o.inflight.size() - 1);
      if (youngest.recallSent || youngest.cancelSent) {
        continue;
      }
      youngest.recallSent = true;
      Wire.Out out = new Wire.Out(Wire.RECALL);
      try {
        out.data().writeLong(youngest.seq);
        o.controls.add(out.finish());
      } catch (IOException e) {
        throw new AssertionError(e);
      }
      return true;
    }
    return false;
  }

  private static void writeQuietly(Conn c, byte[] frame) {
    try {
      c.write(frame);
    } catch (IOException e) {
      // The worker died; its reader reports it.
    }
  }

  private void send(Conn c, Attempt a) {
    Ticket t = a.ticket;
    FnEntry fn = t.fn;
    try {
      if (!c.sentFunctions.remove(fn.id())) {
        if (c.sentFunctions.size() >= MAX_CACHED_FUNCTIONS) {
          Iterator<Long> eldest = c.sentFunctions.iterator();
          long old = eldest.next();
          eldest.remove();
          Wire.Out forget = new Wire.Out(Wire.FORGET);
          forget.data().writeLong(old);
          c.write(forget.finish());
        }
        Wire.Out f = new Wire.Out(Wire.FUNCTION);
        f.data().writeLong(fn.id());
        f.bytes(fn.bytes());
        c.write(f.finish());
      }
      c.sentFunctions.add(fn.id());
      Object[] inputs = t.batch.inputs().subList(a.from, a.to).toArray();
      List<Integer> skips = new ArrayList<>();
      byte[] encoded = encodeInputs(c, a, inputs, skips);
      if (encoded == null) {
        return; // nothing left to send
      }
      Wire.Out b = new Wire.Out(Wire.BATCH);
      DataOutputStream d = b.data();
      d.writeLong(a.seq);
      d.writeLong(fn.id());
      d.writeBoolean(t.batch.stopOnFailure());
      d.writeBoolean(t.timeoutNanos > 0);
      d.writeInt(a.to - a.from);
      d.writeInt(skips.size());
      for (int k : skips) {
        d.writeInt(k);
      }
      b.bytes(encoded);
      byte[] frame;
      try {
        frame = b.finish();
      } catch (IOException tooLarge) {
        failAttempt(c, a, new WorkerFailureException("cannot send the batch: " + tooLarge, null));
        return;
      }
      c.write(frame);
    } catch (IOException e) {
      // The worker died; its reader re-queues or fails the attempt.
    }
  }

  /**
   * The inputs' bytes. An input that cannot be serialized fails on its own (in fail-fast mode the
   * attempt is cut short before it) and goes as null, which the worker skips.
   */
  private byte[] encodeInputs(Conn c, Attempt a, Object[] inputs, List<Integer> skips) {
    long s = System.nanoTime();
    try {
      return codec.encode(inputs);
    } catch (Throwable whole) {
      List<Runnable> done = new ArrayList<>(1);
      lock.lock();
      try {
        Ticket t = a.ticket;
        for (int k = 0; k < inputs.length; k++) {
          try {
            codec.encode(inputs[k]);
          } catch (Throwable e) {
            int p = a.from + k;
            t.resolve(
                p,
                null,
                new WorkerFailureException(
                    "input of task #"
                        + (t.batch.firstIndex() + p)
                        + " cannot be serialized for a worker process: "
                        + Wire.describe(e),
                    e.getClass().getName()));
            inputs[k] = null;
            skips.add(k);
            if (t.batch.stopOnFailure()) {
              a.to = p;
              pruneAfterFailure(t);
              break;
            }
          }
        }
        if (a.to == a.from || skips.size() == a.to - a.from) {
          c.inflight.remove(a);
          t.sent.remove(a);
          t.outstanding--;
          if (!c.inflight.isEmpty()) {
            c.inflight.get(0).progressNanos = System.nanoTime();
          }
          maybeComplete(t, done);
          changed.signalAll();
          return null;
        }
        skips.removeIf(k -> k >= a.to - a.from);
      } finally {
        lock.unlock();
        run(done);
      }
      try {
        return codec.encode(java.util.Arrays.copyOf(inputs, a.to - a.from));
      } catch (Throwable e) {
        failAttempt(c, a, new WorkerFailureException("cannot serialize the batch: " + e, null));
        return null;
      }
    } finally {
      Core.serialization(c.recorder, s, System.nanoTime());
    }
  }

  private void failAttempt(Conn c, Attempt a, Throwable error) {
    List<Runnable> done = new ArrayList<>(1);
    lock.lock();
    try {
      Ticket t = a.ticket;
      for (int p = a.from; p < a.to; p++) {
        t.resolve(p, null, error);
        if (t.batch.stopOnFailure()) {
          break;
        }
      }
      pruneAfterFailure(t);
      if (c.inflight.remove(a)) {
        t.sent.remove(a);
        t.outstanding--;
      }
      maybeComplete(t, done);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    run(done);
  }

  // --------------------------------------------------------------------------- starting workers

  private void startWorker(Slot slot) {
    String workerName = slot.name;
    Conn c = null;
    try {
      c = launch(workerName, slot.recorder);
    } catch (Exception e) {
      String error = "worker " + workerName + " could not start: " + e.getMessage();
      List<Runnable> done = new ArrayList<>();
      lock.lock();
      try {
        slot.startFailed = true;
        // Whatever waits would wait for the next start, which would fail the same way: fail it
        // now, clearly, rather than retry forever.
        while (!pending.isEmpty()) {
          Attempt a = pending.pollFirst();
          Ticket t = a.ticket;
          t.outstanding--;
          if (t.startNanos == 0) {
            t.startNanos = System.nanoTime();
          }
          for (int p = a.from; p < a.to; p++) {
            if (t.needed(p)) {
              t.resolve(p, null, new IllegalStateException(error, e));
            } else {
              t.skip(p);
            }
          }
          pruneAfterFailure(t);
          maybeComplete(t, done);
        }
        changed.signalAll();
      } finally {
        lock.unlock();
      }
      run(done);
      return;
    }
    boolean kill = false;
    lock.lock();
    try {
      slot.startFailed = false;
      c.idleSince = System.nanoTime();
      slot.conn = c;
      kill = runState == STOP;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    Conn conn = c;
    c.reader =
        Thread.ofPlatform()
            .daemon(true)
            .name(workerName + "-reader")
            .start(() -> readLoop(slot, conn));
    if (kill) {
      c.process.destroyForcibly();
    }
  }

  private Conn launch(String workerName, dev.weft.spi.WorkerRecorder workerRecorder)
      throws Exception {
    long token = random.nextLong();
    long connectTimeout = connectTimeoutMillis();
    CompletableFuture<SocketChannel> connected = new CompletableFuture<>();
    connecting.put(token, connected);
    try {
      boolean cds =
          options.classDataSharing()
              && !Boolean.getBoolean("weft.process.noCds")
              && Launcher.cdsApplies();
      ProcessBuilder pb =
          new ProcessBuilder(
              Launcher.command(options, socketPath, token, workerName, codec.name(), cds));
      pb.environment().putAll(options.environment());
      Process p = pb.start();
      Conn c = new Conn(workerName, p, workerRecorder);
      c.startPumps();
      codec.warmUp(); // this sender's serializer, while the worker boots
      p.onExit()
          .thenRun(() ->
              connected.completeExceptionally(
                  new IOException(
                      "it exited with code " + p.exitValue() + " before it connected")));
      SocketChannel ch;
      try {
        ch = connected.get(connectTimeout, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        p.destroyForcibly();
        throw new IOException(
            "it (pid "
                + p.pid()
                + ") did not connect within "
                + connectTimeout
                + " ms and was killed");
      } catch (ExecutionException e) {
        c.joinPumps();
        String tail = c.stderrTail();
        throw new IOException(
            e.getCause().getMessage() + (tail == null ? "" : "; its last output: " + tail));
      }
      c.channel = ch;
      Wire.Out init = new Wire.Out(Wire.INIT);
      init.bytes(initBytes);
      c.write(init.finish());
      return c;
    } finally {
      connecting.remove(token);
    }
  }

  private void acceptLoop() {
    while (true) {
      SocketChannel ch;
      try {
        ch = server.accept();
      } catch (IOException e) {
        return; // closed at termination
      }
      // The hello is read off the acceptor's thread: a peer that connects and says nothing must
      // not hold up the workers that connect after it.
      Thread.ofPlatform().daemon(true).name(name + "-hello").start(() -> hello(ch));
    }
  }

  private void hello(SocketChannel ch) {
    try {
      ByteBuffer b = ByteBuffer.allocate(4 + 1 + 8 + 8);
      while (b.hasRemaining()) {
        if (ch.read(b) < 0) {
          throw new IOException("closed before hello");
        }
      }
      b.flip();
      int length = b.getInt();
      byte type = b.get();
      long token = b.getLong();
      CompletableFuture<SocketChannel> f = connecting.get(token);
      if (length != 17 || type != Wire.HELLO || f == null || !f.complete(ch)) {
        ch.close();
      }
    } catch (IOException e) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // nothing to do
      }
    }
  }

  // ---------------------------------------------------------------------------------- the reader

  private void readLoop(Slot slot, Conn c) {
    codec.warmUp();
    try {
      DataInputStream in =
          new DataInputStream(new BufferedInputStream(Channels.newInputStream(c.channel), 1 << 16));
      while (true) {
        Wire.Frame f = Wire.read(in);
        switch (f.type()) {
          case Wire.RESULTS -> results(c, f.body());
          case Wire.END -> end(c, f.body());
          case Wire.STARTED -> {
            long seq = f.body().readLong();
            lock.lock();
            try {
              Attempt a = find(c, seq);
              if (a != null) {
                a.started = true;
                a.progressNanos = System.nanoTime();
                changed.signalAll();
              }
            } finally {
              lock.unlock();
            }
          }
          case Wire.RETIRING -> {
            lock.lock();
            try {
              c.retiring = true;
              c.planned = true;
            } finally {
              lock.unlock();
            }
          }
          default -> throw new IOException("unexpected frame type " + f.type());
        }
      }
    } catch (IOException | RuntimeException e) {
      // end of the connection: the worker exited or was killed
    }
    died(slot, c);
  }

  private void results(Conn c, DataInputStream in) throws IOException {
    long seq = in.readLong();
    int from = in.readInt();
    int count = in.readInt();
    int failures = in.readInt();
    int[] failedAt = new int[failures];
    Throwable[] failed = new Throwable[failures];
    for (int k = 0; k < failures; k++) {
      failedAt[k] = in.readInt();
      failed[k] = Wire.readError(Wire.bytes(in));
    }
    byte[] bytes = Wire.bytes(in);
    long s = System.nanoTime();
    Object[] values;
    Throwable decodeError = null;
    try {
      values = (Object[]) codec.decode(bytes);
    } catch (Throwable e) {
      values = new Object[count];
      decodeError =
          new WorkerFailureException(
              "the results from worker "
                  + c.name
                  + " could not be deserialized: "
                  + Wire.describe(e),
              e.getClass().getName());
    }
    Core.serialization(c.recorder, s, System.nanoTime());
    lock.lock();
    try {
      Attempt a = find(c, seq);
      if (a == null) {
        return;
      }
      Ticket t = a.ticket;
      int fi = 0;
      for (int k = 0; k < count; k++) {
        int rel = from + k;
        int p = a.from + rel;
        if (p >= a.to) {
          break;
        }
        Throwable error = decodeError;
        while (fi < failures && failedAt[fi] < rel) {
          fi++;
        }
        if (fi < failures && failedAt[fi] == rel) {
          error = failed[fi];
        }
        t.resolve(p, error == null ? values[k] : null, error);
      }
      pruneAfterFailure(t);
      a.progressNanos = System.nanoTime();
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private static Attempt find(Conn c, long seq) {
    for (Attempt a : c.inflight) {
      if (a.seq == seq) {
        return a;
      }
    }
    return null;
  }

  private void end(Conn c, DataInputStream in) throws IOException {
    long seq = in.readLong();
    int attempted = in.readInt();
    long runNanos = in.readLong();
    boolean retire = in.readBoolean();
    boolean recalled = in.readBoolean();
    List<Runnable> done = new ArrayList<>(1);
    lock.lock();
    try {
      Attempt a = find(c, seq);
      if (a == null) {
        return;
      }
      long now = System.nanoTime();
      c.inflight.remove(a);
      Ticket t = a.ticket;
      t.sent.remove(a);
      t.outstanding--;
      if (recalled) {
        // Given back unstarted: it runs on the idle worker that asked for it.
        if (runState != STOP && !t.cancelled && t.needed(a.from)) {
          requeueFront(List.of(new Attempt(t, a.from, a.to, a.solo)));
        } else {
          skipRange(t, a.from, a.to);
          maybeComplete(t, done);
        }
        changed.signalAll();
        return;
      }
      int stoppedAt = a.from + attempted;
      int failed = 0;
      for (int p = a.from; p < Math.min(stoppedAt, a.to); p++) {
        if (t.status[p] == Ticket.FAILED) {
          failed++;
        }
      }
      if (retire && stoppedAt < a.to && runState != STOP && t.needed(stoppedAt)) {
        requeueFront(List.of(new Attempt(t, stoppedAt, a.to, a.solo)));
      } else {
        for (int p = a.from; p < a.to; p++) {
          t.skip(p); // only what is still pending: the rest of a cancelled or fail-fast batch
        }
      }
      c.tasksDone += attempted;
      if (options.maxTasksPerWorker() > 0 && c.tasksDone >= options.maxTasksPerWorker()) {
        c.retiring = true;
      }
      c.recorder.batch(attempted, failed, a.sentNanos, now);
      long ready = Math.max(a.sentNanos, c.lastEndNanos);
      long sample = Math.max(0, (now - ready) - runNanos);
      handoffNanos += (sample - handoffNanos) / 8;
      c.lastEndNanos = now;
      if (!c.inflight.isEmpty()) {
        c.inflight.get(0).progressNanos = now;
      } else {
        c.idleSince = now;
      }
      maybeComplete(t, done);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    run(done);
  }

  private void requeueFront(List<Attempt> attempts) {
    for (int i = attempts.size() - 1; i >= 0; i--) {
      Attempt a = attempts.get(i);
      a.ticket.outstanding++;
      pending.addFirst(a);
    }
  }

  // ---------------------------------------------------------------------------- a worker's death

  private void died(Slot slot, Conn c) {
    c.closeChannel();
    int exit = -1;
    try {
      if (!c.process.waitFor(5, TimeUnit.SECONDS)) {
        // Its socket is gone but it lives on (wedged, say): it is no use any more.
        c.process.destroyForcibly();
        c.process.waitFor(5, TimeUnit.SECONDS);
      }
      exit = c.process.exitValue();
    } catch (InterruptedException | IllegalThreadStateException e) {
      // unknown exit
    }
    try {
      c.joinPumps();
    } catch (InterruptedException e) {
      // the tail is best effort
    }
    String signal = exit > 128 && exit < 128 + 32 ? signalName(exit - 128) : null;
    String tail = c.stderrTail();
    List<Runnable> done = new ArrayList<>();
    lock.lock();
    try {
      c.dead = true;
      if (slot.conn == c) {
        slot.conn = null;
      }
      if (c.tasksDone == 0 && !c.planned) {
        slot.quickDeaths++;
      } else {
        slot.quickDeaths = 0;
      }
      List<Attempt> requeue = new ArrayList<>();
      for (int i = 0; i < c.inflight.size(); i++) {
        Attempt a = c.inflight.get(i);
        Ticket t = a.ticket;
        t.sent.remove(a);
        t.outstanding--;
        int first = a.firstPending();
        if (runState == STOP || t.cancelled) {
          skipRange(t, a.from, a.to);
        } else if (c.timedOut == a && c.timedOutPos >= first) {
          int p = c.timedOutPos;
          t.resolve(
              p,
              null,
              Core.timedOut(
                  "task #" + (t.batch.firstIndex() + p),
                  Duration.ofNanos(t.timeoutNanos),
                  c.name,
                  c.pid));
          pruneAfterFailure(t);
          if (p + 1 < a.to && t.needed(p + 1)) {
            requeue.add(new Attempt(t, p + 1, a.to, a.solo));
          } else {
            skipRange(t, p + 1, a.to);
          }
        } else if (first >= a.to) {
          // everything arrived; only the END was lost
        } else if (c.planned || i > 0) {
          // Not started (a younger attempt), or the worker left on purpose: no blame.
          requeue.add(new Attempt(t, first, a.to, a.solo));
        } else if (a.solo || a.to - a.from == 1) {
          int attempts = ++t.attempts[first];
          if (attempts >= options.maxAttempts()) {
            t.resolve(first, null, Core.lost(c.name, c.pid, exit, signal, attempts, tail));
            pruneAfterFailure(t);
          } else {
            requeue.add(new Attempt(t, first, first + 1, true));
          }
        } else {
          // Which of the unfinished inputs killed it is unknown: each runs alone next, so that a
          // culprit is found and quarantined, and an innocent one always gets its solo run.
          for (int p = first; p < a.to; p++) {
            if (t.status[p] == Ticket.PENDING && t.needed(p)) {
              t.attempts[p] = Math.min(t.attempts[p] + 1, options.maxAttempts() - 1);
              requeue.add(new Attempt(t, p, p + 1, true));
            }
          }
        }
      }
      List<Ticket> affected = new ArrayList<>();
      for (Attempt a : c.inflight) {
        affected.add(a.ticket);
      }
      c.inflight.clear();
      // A fail-fast failure found above may make a re-run pointless.
      requeue.removeIf(a -> {
        if (a.ticket.needed(a.from)) {
          return false;
        }
        skipRange(a.ticket, a.from, a.to);
        return true;
      });
      requeueFront(requeue);
      for (Ticket t : affected) {
        maybeComplete(t, done);
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    run(done);
  }

  private void skipRange(Ticket t, int from, int to) {
    for (int p = from; p < to; p++) {
      t.skip(p);
    }
  }

  private static String signalName(int n) {
    return switch (n) {
      case 1 -> "SIGHUP";
      case 2 -> "SIGINT";
      case 3 -> "SIGQUIT";
      case 4 -> "SIGILL";
      case 6 -> "SIGABRT";
      case 7 -> "SIGBUS";
      case 8 -> "SIGFPE";
      case 9 -> "SIGKILL";
      case 11 -> "SIGSEGV";
      case 13 -> "SIGPIPE";
      case 14 -> "SIGALRM";
      case 15 -> "SIGTERM";
      default -> "signal " + n;
    };
  }

  // ----------------------------------------------------------------------------------- deadlines

  private void timerLoop() {
    List<Process> kill = new ArrayList<>();
    while (true) {
      lock.lock();
      try {
        if (terminated) {
          return;
        }
        long now = System.nanoTime();
        long next = Long.MAX_VALUE;
        if (runState == STOP) {
          // The senders interrupt and then kill; this is the backstop for a sender stuck writing
          // to a worker that stopped reading (SIGSTOPped, say): past the grace, every worker dies.
          long left = stopDeadline - now;
          if (left <= 0) {
            for (Slot s : slots) {
              if (s.conn != null && !s.conn.dead && s.conn.process.isAlive()) {
                kill.add(s.conn.process);
              }
            }
            stopDeadline = now + TimeUnit.MILLISECONDS.toNanos(STOP_GRACE_MILLIS);
          } else {
            next = left;
          }
        }
        for (Slot s : slots) {
          Conn c = s.conn;
          if (c == null || c.dead || c.timedOut != null || c.inflight.isEmpty()) {
            continue;
          }
          Attempt a = c.inflight.get(0);
          long limit = a.ticket.timeoutNanos;
          if (limit <= 0 || !a.started) {
            continue;
          }
          long due = a.progressNanos + limit;
          if (now - due >= 0) {
            int p = a.firstPending();
            if (p < a.to) {
              c.timedOut = a;
              c.timedOutPos = p;
              kill.add(c.process);
            }
          } else {
            next = Math.min(next, due - now);
          }
        }
        if (kill.isEmpty()) {
          try {
            if (next == Long.MAX_VALUE) {
              changed.await();
            } else {
              changed.awaitNanos(next);
            }
          } catch (InterruptedException e) {
            return;
          }
        }
      } finally {
        lock.unlock();
      }
      for (Process p : kill) {
        p.destroyForcibly();
      }
      kill.clear();
    }
  }

  // -------------------------------------------------------------------------------- shutting down

  /** Stops accepting work; what was accepted still runs. */
  public void shutdown() {
    lock.lock();
    try {
      if (runState == RUNNING) {
        runState = SHUTDOWN;
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Cancels what is queued and interrupts what runs; a worker whose task has not stopped a second
   * later is killed. Unfinished tasks count as cancelled. Does not wait.
   */
  public void shutdownNow() {
    List<Runnable> done = new ArrayList<>();
    lock.lock();
    try {
      if (runState != STOP) {
        stopDeadline = System.nanoTime() + 2 * TimeUnit.MILLISECONDS.toNanos(STOP_GRACE_MILLIS);
      }
      runState = STOP;
      while (!pending.isEmpty()) {
        Attempt a = pending.pollFirst();
        a.ticket.outstanding--;
        skipRange(a.ticket, a.from, a.to);
        maybeComplete(a.ticket, done);
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    run(done);
  }

  /** How long tasks interrupted by {@link #shutdownNow} have to stop before their worker dies. */
  static final long STOP_GRACE_MILLIS = 1_000;

  private void exit(Slot slot) {
    Conn c;
    List<byte[]> cancels = new ArrayList<>();
    boolean stopping;
    lock.lock();
    try {
      c = slot.conn;
      stopping = runState == STOP;
      if (c != null) {
        c.planned = true;
        if (stopping) {
          // Interrupt what runs and drop what waits, in the worker: the tasks see an interrupt,
          // as on a thread engine, and only the deaf ones are killed after the grace period.
          // Youngest first: the waiting batches are stopped before the running one is
          // interrupted, so the worker cannot start one of them in between.
          for (int i = c.inflight.size() - 1; i >= 0; i--) {
            sendCancel(c.inflight.get(i));
          }
          cancels.addAll(c.controls);
          c.controls.clear();
        }
      }
    } finally {
      lock.unlock();
    }
    if (c != null) {
      try {
        for (byte[] frame : cancels) {
          writeQuietly(c, frame);
        }
        writeQuietly(c, new Wire.Out(Wire.SHUTDOWN).finish());
        long wait = stopping ? STOP_GRACE_MILLIS : 10_000;
        if (!c.process.waitFor(wait, TimeUnit.MILLISECONDS)) {
          c.process.destroyForcibly();
        }
        c.reader.join();
      } catch (IOException | InterruptedException e) {
        c.process.destroyForcibly();
      }
    }
    lock.lock();
    try {
      slotsExited++;
      if (slotsExited == slots.length) {
        try {
          server.close();
          Files.deleteIfExists(socketPath);
          Files.deleteIfExists(dir);
        } catch (IOException e) {
          // a leftover empty directory in the temporary directory
        }
        terminated = true;
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits for termination.
   *
   * @param timeout at most this long
   * @return true if terminated
   * @throws InterruptedException if interrupted
   */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    long nanos = timeout.toNanos();
    lock.lock();
    try {
      if (!started) {
        return runState != RUNNING;
      }
      while (!terminated) {
        if (nanos <= 0) {
          return false;
        }
        nanos = changed.awaitNanos(nanos);
      }
    } finally {
      lock.unlock();
    }
    // Terminated is set by the last sender on its way out; wait for it and the others to be gone,
    // so that no thread of this engine outlives a close().
    long deadline = System.nanoTime() + Math.max(0, nanos);
    for (Thread t : threads) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || !t.join(Duration.ofNanos(left))) {
        return !t.isAlive();
      }
    }
    return true;
  }

  /**
   * Whether every worker has stopped after a shutdown.
   *
   * @return true once terminated
   */
  public boolean isTerminated() {
    lock.lock();
    try {
      if (!started) {
        return runState != RUNNING;
      }
      if (!terminated) {
        return false;
      }
    } finally {
      lock.unlock();
    }
    for (Thread t : threads) {
      if (t.isAlive()) {
        return false;
      }
    }
    return true;
  }
}
