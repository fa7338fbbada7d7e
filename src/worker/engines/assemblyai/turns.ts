/**
 * Turns of one AssemblyAI connection to partials and finals. Partial turns
 * (end_of_turn false) are partials. With format_turns the server ends a turn
 * twice, unformatted then formatted (same turn_order): the formatted copy is
 * the final, and a partial of the next turn that arrives in between is held
 * back so it cannot show under the previous utterance's number.
 */
import type { TurnEvent } from 'assemblyai';

export interface TurnSink {
  partial(text: string): void;
  final(turn: TurnEvent): void;
}

export class TurnAssembler {
  /** The unformatted end of a turn, until its formatted copy arrives. */
  private unformatted?: TurnEvent;
  private heldPartial?: string;

  constructor(private readonly formatTurns: boolean, private readonly partials: boolean, private readonly sink: TurnSink) {}

  turn(turn: TurnEvent): void {
    if (!turn.end_of_turn) {
      if (!this.partials) return;
      if (this.unformatted && turn.turn_order > this.unformatted.turn_order) this.heldPartial = turn.transcript;
      else this.sink.partial(turn.transcript);
      return;
    }
    if (this.unformatted && this.unformatted.turn_order !== turn.turn_order) this.flush();
    if (this.formatTurns && !turn.turn_is_formatted) {
      this.unformatted = turn;
      return;
    }
    this.unformatted = undefined;
    this.deliver(turn);
  }

  /** The connection or the session ended: a turn whose formatted copy will not come keeps its unformatted words. */
  flush(): void {
    const turn = this.unformatted;
    this.unformatted = undefined;
    if (turn) this.deliver(turn);
    this.heldPartial = undefined;
  }

  private deliver(turn: TurnEvent): void {
    this.sink.final(turn);
    const held = this.heldPartial;
    this.heldPartial = undefined;
    if (held) this.sink.partial(held);
  }
}
