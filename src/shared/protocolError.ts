/** Thrown by the protocol's parsers with a message fit for an `error` event; `id` is the command's, when it had a valid one. */
export class ProtocolError extends Error {
  constructor(message: string, readonly id: number | null = null) {
    super(message);
  }
}
