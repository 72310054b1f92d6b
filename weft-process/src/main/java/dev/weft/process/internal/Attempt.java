package dev.weft.process.internal;

/**
 * Positions {@code [from, to)} of a {@link Ticket} sent to one worker as one wire batch. Guarded by
 * the supervisor's lock, except {@code seq} and the positions, which never change once sent.
 */
final class Attempt {
  final Ticket ticket;
  final int from;
  int to;
  final boolean solo;
  long seq;
  Conn conn;
  long sentNanos;

  /** When the task now running started, as far as the parent can tell. */
  long progressNanos;

  boolean cancelSent;
  boolean recallSent;

  /** For a batch with a deadline: the worker said it started it. */
  boolean started;

  Attempt(Ticket ticket, int from, int to, boolean solo) {
    this.ticket = ticket;
    this.from = from;
    this.to = to;
    this.solo = solo;
  }

  /** The first position of this attempt that has no result yet, or {@code to}. */
  int firstPending() {
    for (int p = from; p < to; p++) {
      if (ticket.status[p] == Ticket.PENDING) {
        return p;
      }
    }
    return to;
  }
}
