package dev.weft.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.constantpool.ClassEntry;
import java.lang.classfile.constantpool.PoolEntry;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Guards weft-io's shape from its compiled classes: it exports only {@code dev.weft.io}, needs only
 * the JDK and weft-core's API, and never reaches into weft-core's internals.
 */
class ArchitectureTest {
  private static final Path CLASSES = Path.of("target", "classes");

  @Test
  void onlyTheApiPackageIsExported() throws IOException {
    ModuleDescriptor d;
    try (InputStream in = Files.newInputStream(CLASSES.resolve("module-info.class"))) {
      d = ModuleDescriptor.read(in);
    }
    assertThat(d.name()).isEqualTo("dev.weft.io");
    assertThat(d.exports().stream().map(ModuleDescriptor.Exports::source))
        .containsExactly("dev.weft.io");
    assertThat(d.requires().stream().map(ModuleDescriptor.Requires::name))
        .containsExactlyInAnyOrder("java.base", "dev.weft.core");
  }

  @Test
  void itUsesOnlyTheJdkAndTheCoreApi() throws IOException {
    List<String> strays = new ArrayList<>();
    try (Stream<Path> files = Files.walk(CLASSES)) {
      for (Path p : files.filter(f -> f.toString().endsWith(".class")).toList()) {
        if (p.getFileName().toString().equals("module-info.class")) {
          continue;
        }
        ClassModel model = ClassFile.of().parse(Files.readAllBytes(p));
        for (PoolEntry e : model.constantPool()) {
          if (e instanceof ClassEntry c && !c.asInternalName().startsWith("[")) {
            String ref = c.asInternalName().replace('/', '.');
            boolean ok =
                ref.startsWith("java.")
                    || ref.startsWith("dev.weft.io.")
                    || (ref.startsWith("dev.weft.") && !ref.startsWith("dev.weft.internal."));
            if (!ok) {
              strays.add(model.thisClass().asInternalName() + " -> " + ref);
            }
          }
        }
      }
    }
    assertThat(strays).isEmpty();
  }
}
