package dev.weft.process.internal;

import org.apache.fory.Fory;
import org.apache.fory.config.Language;

/**
 * Apache Fory in Java mode, one instance per thread (a {@code Fory} is not thread-safe, and its
 * creation costs milliseconds, so it is kept).
 *
 * <p>Class registration is off: the peers are this application's own worker JVMs, reached over a
 * Unix-domain socket in a private directory, and the classes are whatever the tasks use. Reference
 * tracking is on, because tasks capture arbitrary graphs (shared and cyclic references).
 */
public final class ForyCodec implements Codec {

  private final ThreadLocal<Fory> fory =
      ThreadLocal.withInitial(() ->
          Fory.builder()
              .withLanguage(Language.JAVA)
              .requireClassRegistration(false)
              .suppressClassRegistrationWarnings(true)
              .withRefTracking(true)
              // A class missing here must be an error, not a silent stand-in object.
              .withDeserializeUnknownClass(false)
              .withClassLoader(ForyCodec.class.getClassLoader())
              .build());

  @Override
  public byte[] encode(Object value) {
    return fory.get().serialize(value);
  }

  @Override
  public Object decode(byte[] bytes) {
    return fory.get().deserialize(bytes);
  }

  @Override
  public String name() {
    return "fory";
  }
}
