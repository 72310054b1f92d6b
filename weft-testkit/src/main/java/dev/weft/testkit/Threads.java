package dev.weft.testkit;

import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Thread census and dumps for tests: leaks and hangs should be visible, not guessed. */
public final class Threads {
  private Threads() {}

  /**
   * Names of live platform threads whose name starts with {@code prefix}.
   *
   * @param prefix a name prefix, such as {@code "weft-"}
   * @return the names
   */
  public static Set<String> named(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(n -> n.startsWith(prefix))
        .collect(Collectors.toSet());
  }

  /**
   * A dump of every live thread's stack, for a test's failure message.
   *
   * @return the dump
   */
  public static String dump() {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
      sb.append('"').append(e.getKey().getName()).append("\" ").append(e.getKey().getState());
      sb.append('\n');
      for (StackTraceElement f : e.getValue()) {
        sb.append("    at ").append(f).append('\n');
      }
    }
    return sb.toString();
  }
}
