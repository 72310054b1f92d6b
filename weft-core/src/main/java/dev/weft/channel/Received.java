package dev.weft.channel;

/**
 * What {@link Channel#receiveOrClosed()} got: an element, or the end of the channel. The
 * non-throwing form of {@code receive}, for loops that treat the end as data:
 *
 * {@snippet :
 * while (true) {
 *   switch (channel.receiveOrClosed()) {
 *     case Received.Value<String>(var line) -> handle(line);
 *     case Received.Done<String> d -> { return; }
 *     case Received.Failed<String>(var error) -> throw new IllegalStateException(error);
 *   }
 * }
 * }
 *
 * @param <T> the element type
 */
public sealed interface Received<T> {
  /**
   * An element.
   *
   * @param value the element
   * @param <T> the element type
   */
  record Value<T>(T value) implements Received<T> {}

  /**
   * The channel was closed and every element has been received.
   *
   * @param <T> the element type
   */
  record Done<T>() implements Received<T> {}

  /**
   * The channel was failed.
   *
   * @param error what it was failed with
   * @param <T> the element type
   */
  record Failed<T>(Throwable error) implements Received<T> {}
}
