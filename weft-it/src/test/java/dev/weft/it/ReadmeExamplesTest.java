package dev.weft.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's Java examples, compiled and run as written, so that the front door never shows code
 * that does not work. Where an example ends a {@code println} line with a comment ({@code // [1, 4,
 * 9, 16]}), some printed line must end with that text.
 */
class ReadmeExamplesTest {
  private static final Path README = Path.of("..", "README.md");
  private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
  private static final String IMPORTS =
      """
      import com.sun.net.httpserver.*;
      import dev.weft.*;
      import dev.weft.channel.*;
      import dev.weft.diag.*;
      import dev.weft.io.*;
      import dev.weft.policy.*;
      import dev.weft.process.*;
      import dev.weft.scope.*;
      import dev.weft.shm.*;
      import dev.weft.spi.*;
      import java.net.*;
      import java.net.http.*;
      import java.nio.file.*;
      import java.time.*;
      import java.util.*;
      import java.util.concurrent.*;
      import java.util.stream.*;
      """;

  @TempDir Path work;

  static List<String> examples() throws IOException {
    String text = Files.readString(README);
    List<String> blocks = new ArrayList<>();
    Matcher m = JAVA_BLOCK.matcher(text);
    while (m.find()) {
      blocks.add(m.group(1));
    }
    return blocks;
  }

  @TestFactory
  Stream<DynamicTest> everyJavaExampleInTheReadmeCompilesAndRuns() throws IOException {
    List<String> blocks = examples();
    assertThat(blocks).as("java examples in README.md").hasSizeGreaterThan(5);
    List<DynamicTest> tests = new ArrayList<>();
    for (int i = 0; i < blocks.size(); i++) {
      String code = blocks.get(i);
      String name = "Example" + i;
      String firstLine = code.lines().findFirst().orElse("").trim();
      tests.add(
          DynamicTest.dynamicTest("README example " + i + ": " + firstLine, () -> run(name, code)));
    }
    return tests.stream();
  }

  private void run(String name, String code) throws Exception {
    Path src = work.resolve(name + ".java");
    Files.writeString(
        src,
        IMPORTS
            + "public class "
            + name
            + " {\n  public static void main(String[] args) throws Exception {\n    run();\n  }\n\n"
            + "  public static void run() throws Exception {\n"
            + code
            + "\n  }\n}\n");
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
    int rc =
        javac.run(
            null,
            diagnostics,
            diagnostics,
            "-proc:none",
            "-cp",
            System.getProperty("java.class.path"),
            "-d",
            work.toString(),
            src.toString());
    assertThat(rc).as(diagnostics.toString(StandardCharsets.UTF_8)).isZero();

    if (usesWorkerProcesses(code)) {
      checkPrintedLines(code, runInItsOwnJvm(name));
      return;
    }
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream original = System.out;
    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {work.toUri().toURL()}, getClass().getClassLoader())) {
      System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
      loader.loadClass(name).getMethod("run").invoke(null);
    } catch (InvocationTargetException e) {
      throw new AssertionError("README example failed:\n" + code, e.getCause());
    } finally {
      System.setOut(original);
    }
    checkPrintedLines(code, printed.toString(StandardCharsets.UTF_8));
  }

  /**
   * An example with worker processes runs as its own program, as a user's would: the workers load
   * the example's classes from the class path they inherit, which a class loader of this test JVM
   * is not on.
   */
  private static boolean usesWorkerProcesses(String code) {
    return code.contains("Pool.processes") || code.contains("ProcessEngine");
  }

  private String runInItsOwnJvm(String name) throws Exception {
    Path out = work.resolve(name + ".out");
    Process p =
        new ProcessBuilder(
                ProcessHandle.current().info().command().orElseThrow(),
                "--sun-misc-unsafe-memory-access=allow",
                "-cp",
                work + java.io.File.pathSeparator + System.getProperty("java.class.path"),
                name)
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    if (!p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly().waitFor();
      throw new AssertionError(
          "README example " + name + " did not finish in 120 s:\n" + Files.readString(out));
    }
    String printed = Files.readString(out);
    assertThat(p.exitValue()).as("README example " + name + " printed:\n" + printed).isZero();
    return printed;
  }

  /** A {@code println(...); // text} line promises exactly that text among the printed lines. */
  private static void checkPrintedLines(String code, String printed) {
    Pattern promise = Pattern.compile("System\\.out\\.println\\(.*\\);\\s*//\\s*(.+)$");
    List<String> lines = printed.lines().toList();
    for (String line : code.lines().toList()) {
      Matcher m = promise.matcher(line.trim());
      if (m.find()) {
        String expected = m.group(1).trim();
        assertThat(lines).as("printed by: " + line.trim()).anyMatch(l -> l.endsWith(expected));
      }
    }
  }
}
