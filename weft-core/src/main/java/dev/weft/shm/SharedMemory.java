package dev.weft.shm;

import java.io.IOException;
import java.io.Serializable;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/**
 * A named block of memory that several processes map at once: created by one JVM, attached by name
 * from any other on the same machine, and seen by all of them as the same bytes.
 *
 * {@snippet :
 * try (SharedMemory m = SharedMemory.create("prices", 8L * n)) {
 *   DoubleView prices = m.doubles();
 *   for (int i = 0; i < n; i++) prices.set(i, load(i));
 *   SharedMemory.Handle h = m.handle();           // Serializable: ship it to a worker process
 *   runInWorker(() -> {
 *     try (SharedMemory w = h.attachReadOnly()) { // maps the same pages, no copy
 *       return sum(w.doubles());
 *     }
 *   });
 *   m.unlink();                                    // removed once the worker has closed too
 * }
 * }
 *
 * <ul>
 *   <li><b>Storage</b>: a file {@code weft-<name>} in {@link #directory()} ({@code /dev/shm} when
 *       there is one, so the pages are memory, not disk), mapped with {@link FileChannel#map}. Its
 *       first 4 KiB are a header that the data ({@link #segment()}) follows.
 *   <li><b>References</b>: every {@link #create}/{@link #attach} is one reference, registered in
 *       the header with its process id and start time. {@link #close()} releases it and unmaps the
 *       memory in this process. The segment is removed when its last reference is released: no
 *       process can pull it from under another, and none has to remember to delete it.
 *   <li><b>Unlink</b>: {@link #unlink()} takes the name away at once: later attaches fail and the
 *       name may be created anew, while every process that holds the segment keeps using it; its
 *       memory is freed when the last of them closes.
 *   <li><b>Crashes</b>: a process killed while it holds references leaves them in the header;
 *       {@link #reclaimOrphans()} removes every weft segment no live process holds, and {@code
 *       close()} drops dead processes' references as it goes. A process counts as alive only if its
 *       pid is alive <i>and</i> has the recorded start time, so a reused pid does not keep a
 *       segment forever.
 *   <li><b>Read-only</b>: {@link #attachReadOnly} maps the data read-only; writes through it throw.
 *   <li><b>Atomics</b>: {@link LongView}'s {@code getAndAdd}, {@code compareAndSet} and volatile
 *       accesses are atomic across processes (they are the processor's atomic instructions on the
 *       shared pages).
 * </ul>
 *
 * <p>Thread-safety: a {@code SharedMemory} may be used by any number of threads; {@code close()}
 * while another thread of this process reads the segment makes that read throw {@link
 * IllegalStateException}. Blocking: {@code create}, {@code attach}, {@code close}, {@code unlink}
 * take a short file lock on the segment, held only while another process does the same on it (the
 * operating system releases the lock of a process that dies); accessing the memory never blocks.
 * Interrupts are not checked. Bound: the data size fixed at creation, plus one 4 KiB header; at
 * most {@value #MAX_REFERENCES} references at a time.
 *
 * <p>Memory consistency: plain accesses to the segment carry no ordering between processes; a write
 * before a {@link LongView#setVolatile} (or an atomic update) of a shared long happens before the
 * reads in another process after a {@link LongView#getVolatile} that sees the value written.
 *
 * <p>Implementation note: the header holds a magic number, the data size, an unlinked marker, a
 * removed marker and a table of references, each {@code pid << 32 | low 32 bits of the start time
 * in ms}. Every change to the header is made under an exclusive {@link FileLock} on its first bytes
 * (and, because the JVM refuses overlapping locks of one file by two of its own channels, under one
 * lock for the whole JVM). A segment is created under a temporary name and hard-linked to its real
 * name only when the header is complete, so an attacher never sees half a header and the link,
 * which fails if the name exists, decides races between creators. Unlinking renames the file to
 * {@code weft-~<name>.<nonce>}, the nonce recorded in the header so that whoever releases the last
 * reference can delete it.
 */
public final class SharedMemory implements AutoCloseable {
  /** The file name prefix of every weft segment, so that leaks can be found. */
  public static final String PREFIX = "weft-";

  /** The most references a segment can have at once. */
  public static final int MAX_REFERENCES = 504;

  /** The longest name {@link #create} accepts. */
  public static final int MAX_NAME_LENGTH = 200;

  static final long HEADER_BYTES = 4096;
  private static final long MAGIC = 0x5745_4654_5348_4d31L; // "WEFTSHM1"
  private static final long OFF_MAGIC = 0;
  private static final long OFF_SIZE = 8;
  private static final long OFF_UNLINKED = 16;
  private static final long OFF_REMOVED = 24;
  private static final long OFF_SLOTS = 64;
  private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");
  private static final SecureRandom RANDOM = new SecureRandom();

  /** The JVM refuses two overlapping locks of one file from its own channels; this orders them. */
  private static final ReentrantLock JVM_LOCK = new ReentrantLock();

  private static final long SELF = identity(ProcessHandle.current());

  private final String name;
  private final boolean readOnly;
  private final Arena arena;
  private final FileChannel channel;
  private final MemorySegment header;
  private final MemorySegment data;
  private final int slot;
  private boolean closed;

  private SharedMemory(
      String name,
      boolean readOnly,
      Arena arena,
      FileChannel channel,
      MemorySegment header,
      MemorySegment data,
      int slot) {
    this.name = name;
    this.readOnly = readOnly;
    this.arena = arena;
    this.channel = channel;
    this.header = header;
    this.data = data;
    this.slot = slot;
  }

  /**
   * Creates a segment of {@code byteSize} zeroed bytes and attaches it.
   *
   * @param name the name, 1 to {@value #MAX_NAME_LENGTH} letters, digits, {@code _ . -}, not
   *     starting with {@code .} or {@code -}
   * @param byteSize the size of the data, at least 1
   * @return the new segment, holding one reference
   * @throws FileAlreadyExistsException if a segment of that name exists
   * @throws IllegalArgumentException if the name or size is invalid
   * @throws IOException if the file cannot be created or mapped
   */
  public static SharedMemory create(String name, long byteSize) throws IOException {
    validateName(name);
    if (byteSize < 1) {
      throw new IllegalArgumentException("byteSize must be at least 1: " + byteSize);
    }
    Path dir = directory();
    Path path = dir.resolve(PREFIX + name);
    if (Files.exists(path)) {
      throw new FileAlreadyExistsException(
          path.toString(), null, "a weft segment named '" + name + "' exists");
    }
    Path tmp =
        dir.resolve(
            PREFIX + "+" + (SELF >>> 32) + "." + Long.toHexString(RANDOM.nextLong()) + "." + name);
    JVM_LOCK.lock();
    Arena arena = Arena.ofShared();
    FileChannel ch = null;
    boolean done = false;
    try {
      ch =
          FileChannel.open(
              tmp,
              StandardOpenOption.CREATE_NEW,
              StandardOpenOption.READ,
              StandardOpenOption.WRITE);
      MemorySegment header;
      try (FileLock lock = ch.lock(0, 8, false)) {
        ch.write(ByteBuffer.wrap(new byte[1]), HEADER_BYTES + byteSize - 1);
        header = ch.map(FileChannel.MapMode.READ_WRITE, 0, HEADER_BYTES, arena);
        header.set(ValueLayout.JAVA_LONG, OFF_SIZE, byteSize);
        LONG.setVolatile(header, OFF_SLOTS, SELF);
        LONG.setVolatile(header, OFF_MAGIC, MAGIC);
        link(tmp, path, name);
      }
      MemorySegment data = ch.map(FileChannel.MapMode.READ_WRITE, HEADER_BYTES, byteSize, arena);
      done = true;
      return new SharedMemory(name, false, arena, ch, header, data, 0);
    } finally {
      try {
        Files.deleteIfExists(tmp);
      } finally {
        if (!done) {
          if (ch != null) {
            ch.close();
          }
          arena.close();
        }
        JVM_LOCK.unlock();
      }
    }
  }

  private static void link(Path tmp, Path path, String name) throws IOException {
    try {
      Files.createLink(path, tmp);
    } catch (FileAlreadyExistsException e) {
      throw new FileAlreadyExistsException(
          path.toString(), null, "a weft segment named '" + name + "' exists");
    } catch (UnsupportedOperationException e) {
      // No hard links here: a move is atomic too, but only checks for an existing name first.
      if (Files.exists(path)) {
        throw new FileAlreadyExistsException(
            path.toString(), null, "a weft segment named '" + name + "' exists");
      }
      Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE);
    }
  }

  /**
   * Attaches an existing segment for reading and writing.
   *
   * @param name its name
   * @return the segment, holding a new reference
   * @throws NoSuchFileException if there is no segment of that name (or it was unlinked)
   * @throws IllegalStateException if it already has {@value #MAX_REFERENCES} references
   * @throws IOException if it cannot be opened or is not a weft segment
   */
  public static SharedMemory attach(String name) throws IOException {
    return attach(name, false);
  }

  /**
   * Attaches an existing segment read-only: its data is mapped read-only, so writes throw. (The
   * header is still written, to register the reference.)
   *
   * @param name its name
   * @return the segment, holding a new reference
   * @throws NoSuchFileException if there is no segment of that name (or it was unlinked)
   * @throws IllegalStateException if it already has {@value #MAX_REFERENCES} references
   * @throws IOException if it cannot be opened or is not a weft segment
   */
  public static SharedMemory attachReadOnly(String name) throws IOException {
    return attach(name, true);
  }

  private static SharedMemory attach(String name, boolean readOnly) throws IOException {
    validateName(name);
    Path path = directory().resolve(PREFIX + name);
    JVM_LOCK.lock();
    Arena arena = Arena.ofShared();
    FileChannel ch = null;
    boolean done = false;
    try {
      try {
        ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
      } catch (NoSuchFileException e) {
        throw new NoSuchFileException(
            path.toString(), null, "no weft segment named '" + name + "'");
      }
      MemorySegment header;
      MemorySegment data;
      int slot;
      long size;
      try (FileLock lock = ch.lock(0, 8, false)) {
        if (ch.size() < HEADER_BYTES) {
          throw new IOException("not a weft segment (too short): " + path);
        }
        header = ch.map(FileChannel.MapMode.READ_WRITE, 0, HEADER_BYTES, arena);
        if ((long) LONG.getVolatile(header, OFF_MAGIC) != MAGIC) {
          throw new IOException("not a weft segment (bad magic number): " + path);
        }
        if ((long) LONG.getVolatile(header, OFF_UNLINKED) != 0
            || (long) LONG.getVolatile(header, OFF_REMOVED) != 0) {
          throw new NoSuchFileException(
              path.toString(), null, "the weft segment named '" + name + "' was unlinked");
        }
        size = header.get(ValueLayout.JAVA_LONG, OFF_SIZE);
        data =
            ch.map(
                readOnly ? FileChannel.MapMode.READ_ONLY : FileChannel.MapMode.READ_WRITE,
                HEADER_BYTES,
                size,
                arena);
        slot = claimSlot(header, name);
      }
      done = true;
      return new SharedMemory(name, readOnly, arena, ch, header, data, slot);
    } finally {
      if (!done) {
        if (ch != null) {
          ch.close();
        }
        arena.close();
      }
      JVM_LOCK.unlock();
    }
  }

  /** Under the file lock: takes a free reference slot, first dropping dead processes' if full. */
  private static int claimSlot(MemorySegment header, String name) {
    for (int pass = 0; pass < 2; pass++) {
      for (int i = 0; i < MAX_REFERENCES; i++) {
        if ((long) LONG.getVolatile(header, slotOffset(i)) == 0) {
          LONG.setVolatile(header, slotOffset(i), SELF);
          return i;
        }
      }
      pruneDead(header);
    }
    throw new IllegalStateException(
        "the weft segment '" + name + "' already has " + MAX_REFERENCES + " references");
  }

  /** Under the file lock: clears dead processes' references and counts the live ones. */
  private static int pruneDead(MemorySegment header) {
    int live = 0;
    for (int i = 0; i < MAX_REFERENCES; i++) {
      long id = (long) LONG.getVolatile(header, slotOffset(i));
      if (id == 0) {
        continue;
      }
      if (isAlive(id)) {
        live++;
      } else {
        LONG.setVolatile(header, slotOffset(i), 0L);
      }
    }
    return live;
  }

  private static long slotOffset(int i) {
    return OFF_SLOTS + 8L * i;
  }

  /**
   * The segment's name.
   *
   * @return the name given at creation
   */
  public String name() {
    return name;
  }

  /**
   * The size of the data in bytes.
   *
   * @return the size given at creation
   */
  public long byteSize() {
    return data.byteSize();
  }

  /**
   * Whether this attachment is read-only.
   *
   * @return true if attached with {@link #attachReadOnly}
   */
  public boolean isReadOnly() {
    return readOnly;
  }

  /**
   * The data, shared with every process that has the segment attached. Valid until {@link
   * #close()}; read-only if attached read-only.
   *
   * @return the segment
   */
  public MemorySegment segment() {
    return data;
  }

  /**
   * The data as longs; {@code byteSize() / 8} of them.
   *
   * @return a view of the same memory
   */
  public LongView longs() {
    return new LongView(data);
  }

  /**
   * The data as ints; {@code byteSize() / 4} of them.
   *
   * @return a view of the same memory
   */
  public IntView ints() {
    return new IntView(data);
  }

  /**
   * The data as doubles; {@code byteSize() / 8} of them.
   *
   * @return a view of the same memory
   */
  public DoubleView doubles() {
    return new DoubleView(data);
  }

  /**
   * The data as bytes.
   *
   * @return a view of the same memory
   */
  public ByteView bytes() {
    return new ByteView(data);
  }

  /**
   * A serializable handle by which another process attaches this segment.
   *
   * @return the handle
   */
  public Handle handle() {
    return new Handle(name, data.byteSize());
  }

  /**
   * Takes the name away: from now on no process can attach the segment by it, and a new segment may
   * be created under it. Every process that holds the segment keeps using it; its memory is freed
   * when the last of them closes. Idempotent.
   *
   * @throws IOException if the file cannot be renamed
   * @throws IllegalStateException if this attachment is closed
   */
  public void unlink() throws IOException {
    JVM_LOCK.lock();
    try {
      if (closed) {
        throw new IllegalStateException("the weft segment '" + name + "' is closed here");
      }
      try (FileLock lock = channel.lock(0, 8, false)) {
        if ((long) LONG.getVolatile(header, OFF_UNLINKED) != 0) {
          return;
        }
        long nonce = RANDOM.nextLong() | 1L;
        Path dir = directory();
        try {
          Files.move(
              dir.resolve(PREFIX + name),
              unlinkedPath(dir, name, nonce),
              StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          throw new IOException("cannot rename within " + dir, e);
        }
        LONG.setVolatile(header, OFF_UNLINKED, nonce);
      }
    } finally {
      JVM_LOCK.unlock();
    }
  }

  /**
   * Releases this reference and unmaps the memory in this process; removes the segment if this was
   * its last reference. Views and segments obtained from it become unusable ({@link
   * IllegalStateException}). Idempotent.
   *
   * @throws IOException if the file cannot be removed or closed
   */
  @Override
  public void close() throws IOException {
    JVM_LOCK.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      try {
        try (FileLock lock = channel.lock(0, 8, false)) {
          if ((long) LONG.getVolatile(header, slotOffset(slot)) == SELF) {
            LONG.setVolatile(header, slotOffset(slot), 0L);
          }
          if (pruneDead(header) == 0) {
            removeFile(directory(), name, header);
          }
        }
      } finally {
        try {
          channel.close();
        } finally {
          arena.close();
        }
      }
    } finally {
      JVM_LOCK.unlock();
    }
  }

  /** Under the file lock, with no live reference left: deletes the file by its current name. */
  private static void removeFile(Path dir, String name, MemorySegment header) throws IOException {
    LONG.setVolatile(header, OFF_REMOVED, 1L);
    long nonce = (long) LONG.getVolatile(header, OFF_UNLINKED);
    Files.deleteIfExists(nonce == 0 ? dir.resolve(PREFIX + name) : unlinkedPath(dir, name, nonce));
  }

  private static Path unlinkedPath(Path dir, String name, long nonce) {
    return dir.resolve(PREFIX + "~" + name + "." + Long.toHexString(nonce));
  }

  /**
   * Process ids of this segment's references whose processes have died. For a protocol built on the
   * segment (a queue) to notice a crashed peer; reads the table without its lock.
   */
  List<Long> deadHolders() {
    List<Long> dead = new ArrayList<>(0);
    for (int i = 0; i < MAX_REFERENCES; i++) {
      long id = (long) LONG.getVolatile(header, slotOffset(i));
      if (id != 0 && !isAlive(id)) {
        dead.add(id >>> 32);
      }
    }
    return dead;
  }

  /**
   * Removes every weft segment in {@link #directory()} that no live process holds: those whose
   * processes all died without closing, unlinked remnants whose last holder died, and creations cut
   * short by a crash. A segment locked by another process at the moment is skipped. For a pool at
   * start, and for tests.
   *
   * @return the file names removed
   * @throws IOException if the directory cannot be listed
   */
  public static List<String> reclaimOrphans() throws IOException {
    Path dir = directory();
    List<String> removed = new ArrayList<>();
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, PREFIX + "*")) {
      ds.forEach(files::add);
    }
    JVM_LOCK.lock();
    try {
      for (Path p : files) {
        if (reclaim(dir, p)) {
          removed.add(p.getFileName().toString());
        }
      }
    } finally {
      JVM_LOCK.unlock();
    }
    return removed;
  }

  private static boolean reclaim(Path dir, Path p) {
    String file = p.getFileName().toString();
    try (Arena arena = Arena.ofConfined();
        FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock = ch.tryLock(0, 8, false)) {
      if (lock == null) {
        return false;
      }
      boolean creating = file.startsWith(PREFIX + "+");
      if (ch.size() < HEADER_BYTES) {
        return creating && creatorDied(file) && Files.deleteIfExists(p);
      }
      MemorySegment header = ch.map(FileChannel.MapMode.READ_WRITE, 0, HEADER_BYTES, arena);
      if ((long) LONG.getVolatile(header, OFF_MAGIC) != MAGIC) {
        // Not ours to judge unless it is an unfinished creation by a dead process.
        return creating && creatorDied(file) && Files.deleteIfExists(p);
      }
      if (creating) {
        // A temporary name is never reused, so deleting it is safe even if the segment was linked
        // to its real name (which is then reclaimed by its own entry) or removed already.
        return pruneDead(header) == 0 && Files.deleteIfExists(p);
      }
      // Removed, or unlinked since we opened it by its old name: the name we hold may belong to a
      // new segment by now (under the lock with neither marker set, it cannot).
      if ((long) LONG.getVolatile(header, OFF_REMOVED) != 0) {
        return false;
      }
      boolean unlinked = (long) LONG.getVolatile(header, OFF_UNLINKED) != 0;
      if (unlinked != file.startsWith(PREFIX + "~")) {
        return false;
      }
      if (pruneDead(header) > 0) {
        return false;
      }
      LONG.setVolatile(header, OFF_REMOVED, 1L);
      return Files.deleteIfExists(p);
    } catch (IOException | RuntimeException e) {
      // Gone meanwhile, or not a file we can open: nothing to reclaim.
      return false;
    }
  }

  private static boolean creatorDied(String file) {
    String rest = file.substring(PREFIX.length() + 1);
    int dot = rest.indexOf('.');
    try {
      long pid = Long.parseLong(dot < 0 ? rest : rest.substring(0, dot));
      return ProcessHandle.of(pid).map(ph -> !ph.isAlive()).orElse(true);
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /**
   * Where segments live: {@code /dev/shm} if it is a writable directory, else {@code
   * java.io.tmpdir/weft-shm} (created on demand).
   *
   * @return the directory
   * @throws IOException if the fallback directory cannot be created
   */
  public static Path directory() throws IOException {
    Path shm = Path.of("/dev/shm");
    if (Files.isDirectory(shm) && Files.isWritable(shm)) {
      return shm;
    }
    return Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "weft-shm"));
  }

  /**
   * Checks a segment name.
   *
   * @param name the name
   * @throws IllegalArgumentException saying what is wrong with it
   */
  static void validateName(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("a weft segment name must not be empty");
    }
    if (name.length() > MAX_NAME_LENGTH) {
      throw new IllegalArgumentException(
          "a weft segment name has at most " + MAX_NAME_LENGTH + " characters: " + name.length());
    }
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "a weft segment name has only letters, digits, '_', '.', '-' and starts with a letter, digit"
              + " or '_': '"
              + name
              + "'");
    }
  }

  static long identity(ProcessHandle ph) {
    long start = ph.info().startInstant().map(i -> i.toEpochMilli() & 0xFFFF_FFFFL).orElse(0L);
    return (ph.pid() << 32) | start;
  }

  /** Alive, and the same process: a reused pid has another start time. */
  static boolean isAlive(long id) {
    Optional<ProcessHandle> ph = ProcessHandle.of(id >>> 32);
    if (ph.isEmpty() || !ph.get().isAlive()) {
      return false;
    }
    long start = id & 0xFFFF_FFFFL;
    return start == 0 || (identity(ph.get()) & 0xFFFF_FFFFL) == start;
  }

  /**
   * What another process needs to attach a segment: its name and size. Serializable, so a task
   * shipped to a worker process can carry it, and the worker maps the memory instead of receiving a
   * copy.
   *
   * @param name the segment's name
   * @param byteSize its data size, checked on attach
   */
  public record Handle(String name, long byteSize) implements Serializable {
    /**
     * Checks the name.
     *
     * @param name the segment's name
     * @param byteSize its data size
     */
    public Handle {
      validateName(name);
    }

    /**
     * Attaches the segment for reading and writing.
     *
     * @return a new reference
     * @throws IOException as {@link SharedMemory#attach}, or if the size differs (a segment of the
     *     same name made since)
     */
    public SharedMemory attach() throws IOException {
      return checked(SharedMemory.attach(name));
    }

    /**
     * Attaches the segment read-only.
     *
     * @return a new reference
     * @throws IOException as {@link SharedMemory#attachReadOnly}, or if the size differs
     */
    public SharedMemory attachReadOnly() throws IOException {
      return checked(SharedMemory.attachReadOnly(name));
    }

    private SharedMemory checked(SharedMemory m) throws IOException {
      if (m.byteSize() != byteSize) {
        m.close();
        throw new IOException(
            "the weft segment '" + name + "' has " + m.byteSize() + " bytes, not " + byteSize);
      }
      return m;
    }
  }
}
