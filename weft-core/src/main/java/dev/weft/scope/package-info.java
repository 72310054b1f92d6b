/**
 * Structured concurrency on virtual threads: {@link dev.weft.scope.Scope} (fork, join, fail-fast or
 * supervised, deadline, nothing outlives the block) and the helpers built on it: {@link
 * dev.weft.scope.Scope#asCompleted}, {@link dev.weft.scope.Scope#race}, {@link
 * dev.weft.scope.Scope#par}.
 */
package dev.weft.scope;
