package dev.weft.process.internal;

/**
 * Turns objects into bytes and back, for the wire between the parent and its workers. Behind an
 * interface so that the serialization library can be swapped (Fory by default, Java serialization
 * as the fallback); both ends of a connection use the same kind.
 *
 * <p>Thread-safe: implementations keep their per-thread state themselves.
 */
public interface Codec {
  /**
   * Serializes an object graph.
   *
   * @param value the object, may be null
   * @return its bytes
   * @throws Exception if some object in the graph cannot be serialized
   */
  byte[] encode(Object value) throws Exception;

  /**
   * Deserializes what {@link #encode} produced.
   *
   * @param bytes the bytes
   * @return the object
   * @throws Exception if a class is missing or the bytes are not valid
   */
  Object decode(byte[] bytes) throws Exception;

  /**
   * Makes the calling thread's serializer ready (created, its common code generated) by a round
   * trip of a batch-like value with a lambda, so that the first real batch does not pay for it.
   * Best effort: a failure here is left for the real use to report.
   */
  default void warmUp() {
    try {
      dev.weft.TaskFunction<Object, Object> f = x -> x;
      decode(encode(new Object[] {1, 2L, "s", 3.0, f, java.util.List.of(1), null}));
    } catch (Throwable ignored) {
      // reported when it matters
    }
  }

  /**
   * The codec's name, passed to workers so that both ends agree.
   *
   * @return {@code "fory"} or {@code "java"}
   */
  String name();

  /**
   * The codec of the given name.
   *
   * @param name {@code "fory"} or {@code "java"}
   * @return the codec
   */
  static Codec named(String name) {
    return switch (name) {
      case "fory" -> new ForyCodec();
      case "java" -> new JavaCodec();
      default -> throw new IllegalArgumentException("unknown codec " + name);
    };
  }
}
