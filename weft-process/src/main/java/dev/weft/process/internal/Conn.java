package dev.weft.process.internal;

import dev.weft.spi.WorkerRecorder;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * One worker process and its connection, from start to death. A slot gets a new {@code Conn} for
 * each process it starts.
 *
 * <p>Threads: the slot's sender writes frames ({@link #write}, only that thread); a reader thread
 * reads them; two pump threads copy the process's standard output and error to the parent's,
 * prefixed with the worker's name.
 */
final class Conn {
  private static final int MAX_LINE = 64 * 1024;
  private static final int TAIL_LINES = 8;

  final String name;
  final Process process;
  final long pid;
  final WorkerRecorder recorder;
  SocketChannel channel; // set once connected
  final List<Attempt> inflight = new ArrayList<>(); // oldest first; guarded by the lock
  final LinkedHashSet<Long> sentFunctions = new LinkedHashSet<>(); // sender thread only
  final ArrayDeque<byte[]> controls = new ArrayDeque<>(); // guarded by the lock
  private final ArrayDeque<String> stderrTail = new ArrayDeque<>(); // guarded by itself
  Thread reader;
  private Thread outPump;
  private Thread errPump;
  long tasksDone; // guarded by the lock
  boolean retiring; // no more attempts: recycled, idle or retired after an error
  boolean planned; // its exit is weft's doing, not a crash
  String timeoutKill; // set when weft killed it for a task past its deadline
  Attempt timedOut;
  int timedOutPos = -1;
  boolean dead;
  long lastEndNanos;
  long idleSince;

  Conn(String name, Process process, WorkerRecorder recorder) {
    this.name = name;
    this.process = process;
    this.pid = process.pid();
    this.recorder = recorder;
  }

  void startPumps() {
    String prefix = "[" + name + "] ";
    outPump = pump(process.getInputStream(), System.out, prefix, false);
    errPump = pump(process.getErrorStream(), System.err, prefix, true);
  }

  private Thread pump(InputStream in, PrintStream to, String prefix, boolean keepTail) {
    return Thread.ofPlatform()
        .daemon(true)
        .name(name + (keepTail ? "-stderr" : "-stdout"))
        .start(() -> {
          byte[] line = new byte[MAX_LINE];
          byte[] buf = new byte[8192];
          int len = 0;
          try (in) {
            int n;
            while ((n = in.read(buf)) > 0) {
              for (int i = 0; i < n; i++) {
                byte b = buf[i];
                if (b == '\n' || len == MAX_LINE) {
                  emit(to, prefix, line, len, keepTail);
                  len = 0;
                  if (b == '\n') {
                    continue;
                  }
                }
                line[len++] = b;
              }
            }
          } catch (IOException e) {
            // the process is gone
          }
          if (len > 0) {
            emit(to, prefix, line, len, keepTail);
          }
        });
  }

  private void emit(PrintStream to, String prefix, byte[] line, int len, boolean keepTail) {
    if (len > 0 && line[len - 1] == '\r') {
      len--;
    }
    String s = new String(line, 0, len, StandardCharsets.UTF_8);
    to.println(prefix + s);
    if (keepTail) {
      synchronized (stderrTail) {
        if (stderrTail.size() == TAIL_LINES) {
          stderrTail.removeFirst();
        }
        stderrTail.addLast(s);
      }
    }
  }

  /** The last lines the worker wrote to standard error, joined, or null. */
  String stderrTail() {
    synchronized (stderrTail) {
      return stderrTail.isEmpty() ? null : String.join(" | ", stderrTail);
    }
  }

  /** Waits a little for the pumps to copy the last output. */
  void joinPumps() throws InterruptedException {
    if (outPump != null) {
      outPump.join(2_000);
      errPump.join(2_000);
    }
  }

  void write(byte[] frame) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(frame);
    while (b.hasRemaining()) {
      channel.write(b);
    }
  }

  void closeChannel() {
    SocketChannel c = channel;
    if (c != null) {
      try {
        c.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }
}
