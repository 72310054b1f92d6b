package dev.weft.process.internal;

import dev.weft.process.WorkerFailureException;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.ObjectOutputStream;

/**
 * The frames between the parent and a worker: {@code int length, byte type, body}, where the length
 * counts the type and the body. Each side has one writer thread per connection, so frames never
 * interleave.
 *
 * <p>Parent to worker: INIT, FUNCTION (a function once per worker, cached by id), FORGET (drop a
 * cached function), BATCH, CANCEL, SHUTDOWN. Worker to parent: HELLO (its pid), RESULTS (results of
 * consecutive tasks of a batch, streamed as they finish), END (the batch is over), RETIRING (the
 * worker will exit after this: it hit an OutOfMemoryError or similar).
 */
public final class Wire {
  private Wire() {}

  /** Parent to worker: the per-worker initializer (may be empty). */
  public static final byte INIT = 1;

  /** Parent to worker: a function, once per worker. */
  public static final byte FUNCTION = 2;

  /** Parent to worker: forget a cached function. */
  public static final byte FORGET = 3;

  /** Parent to worker: a batch to run. */
  public static final byte BATCH = 4;

  /** Parent to worker: stop a batch at the next task boundary and interrupt its task. */
  public static final byte CANCEL = 5;

  /**
   * Parent to worker: give a batch back if it has not started (an idle worker elsewhere will run
   * it); the worker answers with an END that says so, or ignores it if the batch has started.
   */
  public static final byte RECALL = 7;

  /** Parent to worker: exit once the queued batches are done. */
  public static final byte SHUTDOWN = 6;

  /** Worker to parent: the first frame, with the connection token and the worker's pid. */
  public static final byte HELLO = 10;

  /** Worker to parent: results of consecutive tasks. */
  public static final byte RESULTS = 11;

  /** Worker to parent: a batch ended. */
  public static final byte END = 12;

  /** Worker to parent: the worker exits after its next frames; not a crash. */
  public static final byte RETIRING = 13;

  /** Worker to parent: a batch with a deadline started (its first task's clock starts now). */
  public static final byte STARTED = 14;

  /** The largest frame either side accepts: a bound on every buffer of the protocol. */
  public static final int MAX_FRAME = 256 << 20;

  /**
   * One frame read from the wire.
   *
   * @param type the type byte
   * @param body its body
   */
  public record Frame(byte type, DataInputStream body) {}

  /**
   * Reads one frame.
   *
   * @param in the connection
   * @return the frame
   * @throws EOFException if the connection closed between frames
   * @throws IOException if it broke, or the frame is larger than {@link #MAX_FRAME}
   */
  public static Frame read(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 1 || length > MAX_FRAME) {
      throw new IOException("bad frame length " + length);
    }
    byte[] bytes = new byte[length];
    in.readFully(bytes);
    return new Frame(
        bytes[0], new DataInputStream(new java.io.ByteArrayInputStream(bytes, 1, length - 1)));
  }

  /** Builds a frame's body. */
  public static final class Out {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    private final DataOutputStream out = new DataOutputStream(bytes);

    /**
     * Starts a frame.
     *
     * @param type its type
     */
    public Out(byte type) {
      try {
        out.writeInt(0);
        out.writeByte(type);
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }

    /**
     * The body's stream.
     *
     * @return where to write the body
     */
    public DataOutputStream data() {
      return out;
    }

    /**
     * Writes a length-prefixed byte array.
     *
     * @param b the bytes
     * @return this
     * @throws IOException never in practice
     */
    public Out bytes(byte[] b) throws IOException {
      out.writeInt(b.length);
      out.write(b);
      return this;
    }

    /**
     * The finished frame, length included.
     *
     * @return its bytes
     * @throws IOException if the frame is too large to send
     */
    public byte[] finish() throws IOException {
      out.flush();
      byte[] frame = bytes.toByteArray();
      int length = frame.length - 4;
      if (length > MAX_FRAME) {
        throw new IOException(
            "frame of " + length + " bytes exceeds the limit of " + MAX_FRAME + " bytes");
      }
      frame[0] = (byte) (length >>> 24);
      frame[1] = (byte) (length >>> 16);
      frame[2] = (byte) (length >>> 8);
      frame[3] = (byte) length;
      return frame;
    }
  }

  /**
   * Reads a length-prefixed byte array.
   *
   * @param in the body
   * @return the bytes
   * @throws IOException if the body is short
   */
  public static byte[] bytes(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > MAX_FRAME) {
      throw new IOException("bad array length " + n);
    }
    byte[] b = new byte[n];
    in.readFully(b);
    return b;
  }

  /**
   * A throwable as bytes (Java serialization, which every {@code Throwable} nominally supports):
   * the throwable itself if it serializes, else a {@link WorkerFailureException} with its class,
   * message and stack trace.
   *
   * @param t the throwable
   * @param where the worker's name, for the substitute's message
   * @return serialized bytes
   */
  public static byte[] error(Throwable t, String where) {
    try {
      return javaBytes(t);
    } catch (Exception | StackOverflowError e) {
      WorkerFailureException substitute =
          new WorkerFailureException(
              t.getClass().getName()
                  + ": "
                  + t.getMessage()
                  + " (in worker "
                  + where
                  + "; the exception itself could not be serialized: "
                  + e
                  + ")",
              t.getClass().getName());
      substitute.setStackTrace(t.getStackTrace());
      try {
        return javaBytes(substitute);
      } catch (Exception again) {
        throw new AssertionError("a WorkerFailureException must serialize", again);
      }
    }
  }

  private static byte[] javaBytes(Object o) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(o);
    }
    return bytes.toByteArray();
  }

  /**
   * A throwable and its causes in one line, for messages: serialization libraries wrap the useful
   * part (the missing class) a few causes deep.
   *
   * @param t the throwable
   * @return "class: message; caused by class: message ..."
   */
  public static String describe(Throwable t) {
    StringBuilder b = new StringBuilder(String.valueOf(t));
    java.util.Set<Throwable> seen =
        java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    seen.add(t);
    for (Throwable c = t.getCause(); c != null && seen.add(c); c = c.getCause()) {
      b.append("; caused by ").append(c);
    }
    return b.toString();
  }

  /**
   * Reads what {@link #error} wrote.
   *
   * @param bytes the bytes
   * @return the throwable, or a {@link WorkerFailureException} if it cannot be read here
   */
  public static Throwable readError(byte[] bytes) {
    try (java.io.ObjectInputStream in =
        new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes))) {
      return (Throwable) in.readObject();
    } catch (Exception e) {
      return new WorkerFailureException(
          "a task failed in a worker, and its exception could not be read in the parent: " + e,
          null);
    }
  }
}
