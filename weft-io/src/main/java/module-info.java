/**
 * weft-io: files larger than memory, split into line-aligned chunks and folded in parallel on any
 * {@code Pool}. Only {@code dev.weft.io} is exported; {@code dev.weft.io.internal} is not.
 */
module dev.weft.io {
  requires transitive dev.weft.core;

  exports dev.weft.io;
}
