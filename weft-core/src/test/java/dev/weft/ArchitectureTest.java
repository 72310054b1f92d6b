package dev.weft;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.constantpool.ClassEntry;
import java.lang.classfile.constantpool.MemberRefEntry;
import java.lang.classfile.constantpool.PoolEntry;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Guards the shape of weft-core by reading its compiled classes: which packages it exports, which
 * way its packages depend on each other, that it needs nothing beyond the JDK, and that it never
 * borrows the JDK's common pool.
 */
class ArchitectureTest {
  private static final Path CLASSES = Path.of("target", "classes");
  private static final Set<String> API =
      Set.of(
          "dev.weft",
          "dev.weft.spi",
          "dev.weft.diag",
          "dev.weft.channel",
          "dev.weft.scope",
          "dev.weft.policy",
          "dev.weft.shm");
  private static final Map<String, ClassModel> models = new TreeMap<>();

  @BeforeAll
  static void readClasses() throws IOException {
    try (Stream<Path> files = Files.walk(CLASSES)) {
      for (Path p : files.filter(f -> f.toString().endsWith(".class")).toList()) {
        if (p.getFileName().toString().equals("module-info.class")) {
          continue;
        }
        ClassModel model = ClassFile.of().parse(Files.readAllBytes(p));
        models.put(model.thisClass().asInternalName().replace('/', '.'), model);
      }
    }
    assertThat(models).as("compiled classes of weft-core").isNotEmpty();
  }

  private static String packageOf(String className) {
    return className.substring(0, className.lastIndexOf('.'));
  }

  private static Set<String> referencedClasses(ClassModel model) {
    Set<String> refs = new TreeSet<>();
    for (PoolEntry e : model.constantPool()) {
      if (e instanceof ClassEntry c) {
        String name = c.asInternalName();
        if (!name.startsWith("[")) {
          refs.add(name.replace('/', '.'));
        }
      }
    }
    return refs;
  }

  @Test
  void onlyTheApiPackagesAreExported() throws IOException {
    ModuleDescriptor descriptor;
    try (InputStream in = Files.newInputStream(CLASSES.resolve("module-info.class"))) {
      descriptor = ModuleDescriptor.read(in);
    }
    assertThat(descriptor.name()).isEqualTo("dev.weft.core");
    assertThat(descriptor.exports().stream().map(ModuleDescriptor.Exports::source))
        .containsExactlyInAnyOrderElementsOf(API);
    assertThat(models.keySet()).anyMatch(n -> n.startsWith("dev.weft.internal."));
    assertThat(descriptor.requires().stream().map(ModuleDescriptor.Requires::name))
        .containsOnly("java.base");
  }

  @Test
  void theCoreNeedsNothingBeyondTheJdk() {
    List<String> strays = new ArrayList<>();
    models.forEach((name, model) ->
        referencedClasses(model).stream()
            .filter(r -> !r.startsWith("java.") && !r.startsWith("dev.weft."))
            .forEach(r -> strays.add(name + " -> " + r)));
    assertThat(strays).isEmpty();
  }

  @Test
  void theSpiAndDiagnosticsDoNotReachIntoTheImplementation() {
    Map<String, Set<String>> violations =
        models.entrySet().stream()
            .filter(e -> Set.of("dev.weft.spi", "dev.weft.diag").contains(packageOf(e.getKey())))
            .collect(
                Collectors.toMap(
                    Map.Entry::getKey,
                    e ->
                        referencedClasses(e.getValue()).stream()
                            .filter(r -> r.startsWith("dev.weft.internal."))
                            .collect(Collectors.toSet())));
    violations.values().removeIf(Set::isEmpty);
    assertThat(violations).isEmpty();
  }

  @Test
  void theImplementationDependsOnTheApiNeverTheOtherWayExceptThroughPool() {
    // Only Pool (the factories) may name engine implementations; the rest of the API is
    // implemented by internal classes, not the reverse. PoolFuture, Pool's own future, runs its
    // job inline when waited for from inside the pool.
    Set<String> allowed = Set.of("dev.weft.Pool", "dev.weft.AbstractMapper", "dev.weft.PoolFuture");
    List<String> violations = new ArrayList<>();
    models.forEach((name, model) -> {
      if (packageOf(name).equals("dev.weft") && !allowed.contains(outer(name))) {
        referencedClasses(model).stream()
            .filter(r -> r.startsWith("dev.weft.internal."))
            .forEach(r -> violations.add(name + " -> " + r));
      }
    });
    assertThat(violations).isEmpty();
  }

  @Test
  void nothingBorrowsTheCommonPoolBehindTheUsersBack() {
    List<String> violations = new ArrayList<>();
    models.forEach((name, model) -> {
      for (PoolEntry e : model.constantPool()) {
        if (e instanceof MemberRefEntry m) {
          String owner = m.owner().asInternalName();
          String member = m.name().stringValue();
          String type = m.type().stringValue();
          boolean commonPool =
              owner.equals("java/util/concurrent/ForkJoinPool") && member.equals("commonPool");
          boolean asyncWithoutExecutor =
              owner.equals("java/util/concurrent/CompletableFuture")
                  && member.endsWith("Async")
                  && !type.contains("Ljava/util/concurrent/Executor;");
          boolean parallelStream =
              member.equals("parallelStream")
                  || (member.equals("parallel") && owner.startsWith("java/util/stream/"));
          if (commonPool || asyncWithoutExecutor || parallelStream) {
            violations.add(name + " -> " + owner + "." + member);
          }
        }
      }
    });
    assertThat(violations).isEmpty();
  }

  private static String outer(String className) {
    int dollar = className.indexOf('$');
    return dollar < 0 ? className : className.substring(0, dollar);
  }
}
