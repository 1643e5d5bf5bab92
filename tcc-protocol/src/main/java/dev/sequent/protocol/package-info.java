/**
 * What every Sequent peer agrees on: outcome codes ({@link dev.sequent.protocol.Outcome}), message
 * types ({@link dev.sequent.protocol.MessageType}) and, in {@code dev.sequent.protocol.proto}, the
 * protobuf messages generated from {@code sequent/v1/messages.proto}.
 *
 * <p>This package is the only thing clients and coordinator nodes share, so its numbers are a
 * contract: outcome codes and message type codes are never reused or renumbered. It must not import
 * anything from the coordinator, the client, Ratis or RocksDB; framing lives next door in {@link
 * dev.sequent.protocol.wire}.
 */
package dev.sequent.protocol;
