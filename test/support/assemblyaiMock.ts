/**
 * A stand-in for AssemblyAI's Universal Streaming v3 endpoint: a TLS WebSocket
 * server on 127.0.0.1 with a certificate made at test time. It transcribes the
 * audio it receives: the tone words of toneAudio.ts are told apart by
 * frequency (Goertzel power per 10 ms block), so the words a test plays come
 * back as the transcript, with their times. It speaks the v3 sequence: Begin,
 * partial Turns, the end of a turn (and its formatted copy with format_turns),
 * ForceEndpoint, Terminate and Termination. Faults on demand: a rejected key
 * (4001), a refusal with any close code, no Begin, a drop mid-utterance with
 * an outage after it, failed handshakes. Every connection's URL, Authorization header and
 * messages are recorded for assertions.
 */
import * as fs from 'fs';
import * as https from 'https';
import type { AddressInfo, Socket } from 'net';
import * as path from 'path';
import { WebSocket, WebSocketServer } from 'ws';
import { selfSignedCertificate } from './httpsServer';
import { TONE_FREQS, TONE_VOCABULARY, ToneName } from './toneModel';
import { tempDir } from './worker';

const RATE = 16000;
const BLOCK = 160; // 10 ms
const SOUND_RMS = 0.02 * 32768;
const EDGE_SAMPLE = 0.01 * 32768;
/** Silence that ends a word, and a turn. */
const WORD_GAP_BLOCKS = 5;
const TURN_GAP_MS = 700;
/** Blocks a tone must last to count (a tone is 15). */
const MIN_TONE_BLOCKS = 4;

export type Received = { type: 'audio'; bytes: number } | { type: 'json'; message: { type: string } & Record<string, unknown> };

export interface MockConnection {
  url: URL;
  authorization?: string;
  received: Received[];
  /** How the mock ended it: a close code, 'dropped' (no close frame), or undefined while open / closed by the client. */
  endedBy?: number | 'dropped';
  /** When the client's Terminate arrived, and when the mock answered Termination (Date.now()). */
  terminateAt?: number;
  terminationAt?: number;
}

export interface MockOptions {
  /** The API key the mock accepts (Authorization header); anything else is closed with 4001. */
  apiKey: string;
  /** A temporary token the mock accepts (`token` query parameter). */
  token?: string;
  /** false: accept connections but never send Begin. */
  sendBegin?: boolean;
  /** Close every connection at once with this code (e.g. 4002 insufficient funds). */
  refuse?: { code: number; reason: string };
}

interface HeardWord {
  text: string;
  start: number;
  end: number;
}

const WORD_OF_TONES = new Map(Object.entries(TONE_VOCABULARY).map(([word, tones]) => [tones.join(''), word]));
const NAMES = Object.keys(TONE_FREQS) as ToneName[];

/** Power at `freq` in one block (Goertzel). */
function goertzel(samples: Int16Array, from: number, freq: number): number {
  const k = 2 * Math.cos((2 * Math.PI * freq) / RATE);
  let s1 = 0;
  let s2 = 0;
  for (let i = from; i < from + BLOCK; i++) {
    const s0 = samples[i] + k * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return s1 * s1 + s2 * s2 - k * s1 * s2;
}

/** Decodes the tone words of one connection's audio and runs its turns. */
class Listener {
  private samples = new Int16Array(0);
  /** Samples consumed (whole blocks). */
  private pos = 0;
  private sound?: { first: number; last: number; tones: ToneName[]; run: number; current?: ToneName };
  private silentBlocks = 0;
  private turnWords: HeardWord[] = [];
  private turnOrder = 0;
  wordsHeard = 0;

  constructor(private readonly send: (message: object) => void, private readonly formatTurns: boolean, private readonly onWord: () => void) {}

  audio(pcm: Buffer): void {
    const incoming = new Int16Array(pcm.buffer.slice(pcm.byteOffset, pcm.byteOffset + pcm.length));
    const all = new Int16Array(this.samples.length + incoming.length);
    all.set(this.samples);
    all.set(incoming, this.samples.length);
    let off = 0;
    for (; off + BLOCK <= all.length; off += BLOCK) this.block(all, off);
    this.samples = all.slice(off);
  }

  get audioSeconds(): number {
    return (this.pos + this.samples.length) / RATE;
  }

  /** ForceEndpoint and Terminate: the word being heard ends now, and so does the turn. */
  endTurn(): void {
    this.endWord();
    if (!this.turnWords.length) return;
    const words = this.turnWords;
    this.turnWords = [];
    const transcript = words.map((w) => w.text).join(' ');
    this.send(this.turn(words, transcript, true, false));
    if (this.formatTurns) {
      const formatted = words.map((w, i) => ({
        ...w,
        text: (i === 0 ? w.text[0].toUpperCase() + w.text.slice(1) : w.text) + (i === words.length - 1 ? '.' : ''),
      }));
      this.send(this.turn(formatted, formatted.map((w) => w.text).join(' '), true, true));
    }
    this.turnOrder++;
  }

  private block(all: Int16Array, off: number): void {
    const at = this.pos;
    this.pos += BLOCK;
    let energy = 0;
    for (let i = off; i < off + BLOCK; i++) energy += all[i] * all[i];
    if (Math.sqrt(energy / BLOCK) < SOUND_RMS) {
      this.silentBlocks++;
      if (this.sound && this.silentBlocks >= WORD_GAP_BLOCKS) this.endWord();
      const last = this.turnWords.at(-1);
      if (!this.sound && last && (this.pos / RATE) * 1000 - last.end >= TURN_GAP_MS) this.endTurn();
      return;
    }
    this.silentBlocks = 0;
    const powers = NAMES.map((n) => goertzel(all, off, TONE_FREQS[n]));
    const tone = NAMES[powers.indexOf(Math.max(...powers))];
    let first = -1;
    let last = -1;
    for (let i = off; i < off + BLOCK; i++) {
      if (Math.abs(all[i]) <= EDGE_SAMPLE) continue;
      if (first < 0) first = at + (i - off);
      last = at + (i - off) + 1;
    }
    const sound = (this.sound ??= { first, last, tones: [], run: 0 });
    sound.last = last;
    if (tone === sound.current) sound.run++;
    else {
      this.closeTone();
      sound.current = tone;
      sound.run = 1;
    }
  }

  private closeTone(): void {
    const sound = this.sound;
    if (sound?.current && sound.run >= MIN_TONE_BLOCKS && sound.tones.at(-1) !== sound.current) sound.tones.push(sound.current);
  }

  private endWord(): void {
    if (!this.sound) return;
    this.closeTone();
    const { first, last, tones } = this.sound;
    this.sound = undefined;
    const text = WORD_OF_TONES.get(tones.join(''));
    if (!text) return;
    this.turnWords.push({ text, start: Math.round((first / RATE) * 1000), end: Math.round((last / RATE) * 1000) });
    this.wordsHeard++;
    this.send(this.turn(this.turnWords, this.turnWords.map((w) => w.text).join(' '), false, false));
    this.onWord();
  }

  private turn(words: HeardWord[], transcript: string, endOfTurn: boolean, formatted: boolean): object {
    return {
      type: 'Turn',
      turn_order: this.turnOrder,
      turn_is_formatted: formatted,
      end_of_turn: endOfTurn,
      transcript,
      end_of_turn_confidence: endOfTurn ? 0.9 : 0.1,
      words: words.map((w) => ({ start: w.start, end: w.end, confidence: 0.95, text: w.text, word_is_final: true })),
    };
  }
}

export class AssemblyAIMock {
  readonly connections: MockConnection[] = [];
  /** PEM file to trust, for NODE_EXTRA_CA_CERTS. */
  readonly caFile: string;
  url = '';
  private readonly server: https.Server;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sockets = new Set<Socket>();
  private drop?: { afterWords: number; downMs: number };
  private downUntil = 0;
  private refuseCount = 0;
  /** How long the answer to Terminate takes (the real service takes 0.5 to 7 s to finish a session). */
  terminationDelayMs = 0;

  private constructor(private readonly options: MockOptions) {
    const { key, cert } = selfSignedCertificate();
    this.caFile = path.join(tempDir('aai-ca'), 'ca.pem');
    fs.writeFileSync(this.caFile, cert);
    this.server = https.createServer({ key, cert }, (_req, res) => res.writeHead(426).end('WebSocket only'));
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    this.server.on('upgrade', (req, socket, head) => {
      // An outage: the TCP connection is cut during the handshake.
      if (Date.now() < this.downUntil || (this.refuseCount > 0 && this.refuseCount--)) return socket.destroy();
      this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, req.url ?? '/', req.headers.authorization));
    });
  }

  static async start(options: MockOptions): Promise<AssemblyAIMock> {
    const mock = new AssemblyAIMock(options);
    await new Promise<void>((resolve) => mock.server.listen(0, '127.0.0.1', resolve));
    mock.url = `wss://127.0.0.1:${(mock.server.address() as AddressInfo).port}/v3/ws`;
    return mock;
  }

  /** Once a connection has heard `afterWords` words, it is cut without a close frame; connections fail for `downMs` after. */
  dropOnce(afterWords: number, downMs: number): void {
    this.drop = { afterWords, downMs };
  }

  /** The next `n` connection attempts are cut during the handshake. */
  refuseNext(n: number): void {
    this.refuseCount = n;
  }

  /** Ends an outage that dropOnce started. */
  endOutage(): void {
    this.downUntil = 0;
  }

  async close(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(ws: WebSocket, rawUrl: string, authorization: string | undefined): void {
    const url = new URL(rawUrl, this.url);
    const conn: MockConnection = { url, authorization, received: [] };
    this.connections.push(conn);
    const end = (code: number, reason: string) => {
      conn.endedBy = code;
      ws.close(code, reason);
    };
    const { apiKey, token, refuse } = this.options;
    const authorized = authorization === apiKey || (token !== undefined && url.searchParams.get('token') === token);
    if (!authorized) return end(4001, 'Not Authorized');
    if (refuse) return end(refuse.code, refuse.reason);
    if (url.searchParams.get('sample_rate') !== '16000' || url.searchParams.get('encoding') !== 'pcm_s16le') {
      return end(4000, 'Sample rate must be a positive integer');
    }
    const send = (message: object) => ws.readyState === WebSocket.OPEN && ws.send(JSON.stringify(message));
    const started = Date.now();
    const listener = new Listener(send, url.searchParams.get('format_turns') === 'true', () => {
      if (this.drop && listener.wordsHeard >= this.drop.afterWords) {
        this.downUntil = Date.now() + this.drop.downMs;
        this.drop = undefined;
        conn.endedBy = 'dropped';
        ws.terminate();
      }
    });
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) {
        conn.received.push({ type: 'audio', bytes: data.length });
        // The real service takes 50 to 1000 ms of audio per message.
        if (data.length < 1600 || data.length > 32000) return end(3007, 'Input duration violation');
        return listener.audio(data);
      }
      const message = JSON.parse(data.toString()) as { type: string };
      conn.received.push({ type: 'json', message });
      if (message.type === 'ForceEndpoint') listener.endTurn();
      if (message.type === 'Terminate') {
        conn.terminateAt = Date.now();
        const answer = () => {
          listener.endTurn();
          conn.terminationAt = Date.now();
          send({ type: 'Termination', audio_duration_seconds: listener.audioSeconds, session_duration_seconds: (Date.now() - started) / 1000 });
          end(1000, '');
        };
        if (this.terminationDelayMs > 0) setTimeout(answer, this.terminationDelayMs);
        else answer();
      }
    });
    if (this.options.sendBegin !== false) send({ type: 'Begin', id: `mock-${this.connections.length}`, expires_at: Math.floor(Date.now() / 1000) + 3600 });
  }
}
