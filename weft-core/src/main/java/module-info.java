/**
 * weft-core: the API and the in-JVM engines. Only the API packages are exported; {@code
 * dev.weft.internal} is not.
 */
module dev.weft.core {
  exports dev.weft;
  exports dev.weft.spi;
  exports dev.weft.diag;
  exports dev.weft.channel;
  exports dev.weft.scope;
  exports dev.weft.policy;

  uses dev.weft.spi.EngineProvider;
}
