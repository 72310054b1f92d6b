/**
 * weft-process: a {@code Pool} whose workers are separate JVMs. Only {@code dev.weft.process} is
 * exported; {@code dev.weft.process.internal} (launcher, wire protocol, codec, worker main) is not.
 *
 * <p>Fory 1.6 ships a real module descriptor ({@code org.apache.fory.core}), so it is required here
 * like any module. Tasks whose classes live in a named module of the application must open their
 * packages to {@code org.apache.fory.core}, which reads their fields reflectively; on the class
 * path (the usual case) nothing is needed.
 */
module dev.weft.process {
  requires transitive dev.weft.core;
  requires org.apache.fory.core;

  exports dev.weft.process;

  provides dev.weft.spi.EngineProvider with
      dev.weft.process.internal.ProcessEngineProvider;
}
