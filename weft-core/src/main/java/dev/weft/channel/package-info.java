/**
 * Channels: bounded queues between threads that end by being closed, not by sentinel values. {@link
 * dev.weft.channel.Channel} is the channel; {@link dev.weft.channel.Channels#select} receives from
 * whichever of several channels is ready first.
 *
 * <p>Memory consistency: actions in a thread before it sends an element happen before the actions
 * of the thread that receives it after the receive returns (from {@code receive}, {@code
 * tryReceive}, {@code receiveOrClosed}, iteration or {@code select}).
 */
package dev.weft.channel;
