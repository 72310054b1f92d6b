package dev.weft.process.internal;

import dev.weft.process.ProcessOptions;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The command line of a worker JVM: the parent's own {@code java}, its class path (and module path,
 * if it has one), weft's options, then the user's.
 */
final class Launcher {
  private Launcher() {}

  private static final java.util.concurrent.atomic.AtomicBoolean CREATING =
      new java.util.concurrent.atomic.AtomicBoolean();

  static List<String> command(
      ProcessOptions options,
      Path socket,
      long token,
      String workerName,
      String codec,
      boolean cds) {
    List<String> c = new ArrayList<>();
    c.add(java());
    Path archive = cds ? archive() : null;
    boolean exists = archive != null && java.nio.file.Files.isRegularFile(archive);
    // A missing archive is made by one worker of this JVM only (at its exit): two workers
    // writing the same file at once could leave a torn one.
    if (archive != null && (exists || CREATING.compareAndSet(false, true))) {
      c.add("-XX:SharedArchiveFile=" + archive);
      c.add("-XX:+AutoCreateSharedArchive");
      // A stale or missing archive is normal here (it is made at the first worker's exit): no
      // warnings into the task output.
      c.add("-Xlog:cds=off");
      c.add("-Xlog:cds+dynamic=off");
    }
    c.add("-XX:+UseSerialGC");
    c.add("--sun-misc-unsafe-memory-access=allow");
    if (options.heap() != null) {
      c.add("-Xmx" + options.heap());
    }
    for (Map.Entry<String, String> p : options.systemProperties().entrySet()) {
      c.add("-D" + p.getKey() + "=" + p.getValue());
    }
    c.addAll(options.jvmOptions());
    String classPath = System.getProperty("java.class.path", "");
    String modulePath = System.getProperty("jdk.module.path", "");
    boolean modular = !modulePath.isEmpty() && WorkerMain.class.getModule().isNamed();
    // Fory reads String internals through java.lang.invoke on JDK 25; without the opening it
    // falls back to Unsafe, which on the module path needs jdk.unsupported resolved.
    c.add(
        "--add-opens=java.base/java.lang.invoke="
            + (modular ? "org.apache.fory.core" : "ALL-UNNAMED"));
    if (!classPath.isEmpty()) {
      c.add("-cp");
      c.add(classPath);
    }
    if (!modulePath.isEmpty()) {
      c.add("--module-path");
      c.add(modulePath);
      // The modules a class-path main would resolve by default, plus the application's: a
      // worker started with -m would otherwise resolve only dev.weft.process and what it needs.
      c.add("--add-modules");
      c.add("ALL-DEFAULT,ALL-MODULE-PATH");
    }
    if (modular) {
      c.add("-m");
      c.add("dev.weft.process/" + WorkerMain.class.getName());
    } else {
      c.add(WorkerMain.class.getName());
    }
    ProcessHandle me = ProcessHandle.current();
    c.add(socket.toString());
    c.add(Long.toString(token));
    c.add(workerName);
    c.add(Long.toString(me.pid()));
    c.add(Long.toString(me.info().startInstant().map(i -> i.toEpochMilli()).orElse(0L)));
    c.add(codec);
    return c;
  }

  /**
   * Whether class-data sharing can work for this class path: the JDK archives classes from jar
   * files only and refuses a class path with a non-empty directory (as in a build's tests).
   */
  static boolean cdsApplies() {
    for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
      if (entry.isEmpty()) {
        continue;
      }
      File f = new File(entry);
      if (f.isDirectory()) {
        String[] children = f.list();
        if (children != null && children.length > 0) {
          return false;
        }
      }
    }
    return true;
  }

  static String java() {
    String home = System.getProperty("java.home");
    Path java = Path.of(home, "bin", isWindows() ? "java.exe" : "java");
    return java.toFile().canExecute()
        ? java.toString()
        : ProcessHandle.current().info().command().orElse("java");
  }

  private static boolean isWindows() {
    return File.separatorChar == '\\';
  }

  /**
   * One archive per JDK and class path, named also by the class path's jar sizes and times: the JDK
   * refuses an archive whose jars changed but does not remake it, so a rebuilt application gets a
   * new name, and the stale archives of the same class path are removed.
   */
  static Path archive() {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update(System.getProperty("java.home").getBytes(StandardCharsets.UTF_8));
      d.update(System.getProperty("java.vm.version", "").getBytes(StandardCharsets.UTF_8));
      String cp = System.getProperty("java.class.path", "");
      d.update(cp.getBytes(StandardCharsets.UTF_8));
      d.update(System.getProperty("jdk.module.path", "").getBytes(StandardCharsets.UTF_8));
      String base = HexFormat.of().formatHex(d.digest(), 0, 8);
      MessageDigest v = MessageDigest.getInstance("SHA-256");
      for (String entry :
          (cp + File.pathSeparator + System.getProperty("jdk.module.path", ""))
              .split(File.pathSeparator)) {
        File f = new File(entry);
        v.update(
            (entry + ":" + f.length() + ":" + f.lastModified()).getBytes(StandardCharsets.UTF_8));
      }
      String version = HexFormat.of().formatHex(v.digest(), 0, 6);
      Path dir = privateDir();
      Path archive = dir.resolve("weft-worker-" + base + "-" + version + ".jsa");
      if (!java.nio.file.Files.exists(archive)) {
        try (var stale =
            java.nio.file.Files.newDirectoryStream(dir, "weft-worker-" + base + "-*.jsa")) {
          for (Path p : stale) {
            java.nio.file.Files.deleteIfExists(p);
          }
        } catch (java.io.IOException e) {
          // a leftover archive costs disk space, nothing else
        }
      }
      return archive;
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * A directory of this user's only, for the archives: the JVM maps an archive into memory, so one
   * that another user could write must not be used.
   */
  private static Path privateDir() {
    Path d =
        Path.of(
            System.getProperty("java.io.tmpdir"),
            "weft-cds-" + System.getProperty("user.name", "user"));
    try {
      if (!java.nio.file.Files.isDirectory(d)) {
        java.nio.file.Files.createDirectories(
            d,
            java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
      }
      return d;
    } catch (java.io.IOException | UnsupportedOperationException e) {
      return Path.of(System.getProperty("java.io.tmpdir"));
    }
  }
}
