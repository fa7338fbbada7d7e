/**
 * Checks the tone model against the real libvosk (koffi binding).
 *
 *   npx tsc -p . && node out/test/support/verifyToneModel.js
 *
 * 1. Decodes "yes 0.5 open 0.5 run 0.5 no 0.4 close 1.0" in 100 ms chunks and
 *    compares words and word times with the truth (tolerance 30 ms).
 * 2. Runs every MODEL_FAULTS entry in a child process and reports whether
 *    vosk_model_new / vosk_recognizer_new returned NULL or the process died by
 *    a signal, against the expected kind.
 * Exit code 0 when everything matches.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import * as koffi from 'koffi';
import { MODEL_FAULTS, buildToneModel } from './toneModel';
import { ToneWord, toS16le, toneScript } from './toneAudio';

const TOLERANCE = 0.03;
const SCRIPT: Array<string | number> = ['yes', 0.5, 'open', 0.5, 'run', 0.5, 'no', 0.4, 'close', 1.0];

function libPath(): string {
  if (process.env.VOSK_LIB) return process.env.VOSK_LIB;
  const pkg = require.resolve('vosk/package.json');
  return path.join(path.dirname(pkg), 'lib', 'linux-x86_64', 'libvosk.so');
}

interface Vosk {
  setLogLevel(level: number): void;
  modelNew(dir: string): unknown;
  modelFree(m: unknown): void;
  recNew(m: unknown, rate: number): unknown;
  recFree(r: unknown): void;
  setWords(r: unknown, on: number): void;
  setPartialWords(r: unknown, on: number): void;
  accept(r: unknown, data: Buffer, len: number): number;
  result(r: unknown): string;
  partial(r: unknown): string;
  final(r: unknown): string;
}

function loadVosk(): Vosk {
  const lib = koffi.load(libPath());
  return {
    setLogLevel: lib.func('void vosk_set_log_level(int)'),
    modelNew: lib.func('void* vosk_model_new(const char*)'),
    modelFree: lib.func('void vosk_model_free(void*)'),
    recNew: lib.func('void* vosk_recognizer_new(void*, float)'),
    recFree: lib.func('void vosk_recognizer_free(void*)'),
    setWords: lib.func('void vosk_recognizer_set_words(void*, int)'),
    setPartialWords: lib.func('void vosk_recognizer_set_partial_words(void*, int)'),
    accept: lib.func('int vosk_recognizer_accept_waveform(void*, const char*, int)'),
    result: lib.func('const char* vosk_recognizer_result(void*)'),
    partial: lib.func('const char* vosk_recognizer_partial_result(void*)'),
    final: lib.func('const char* vosk_recognizer_final_result(void*)'),
  };
}

interface ResultWord {
  word: string;
  start: number;
  end: number;
  conf: number;
}
interface DecodeEvent {
  kind: 'partial' | 'result' | 'final';
  /** Audio seconds fed when the event was observed. */
  at: number;
  text: string;
  words?: ResultWord[];
}

function decode(
  vosk: Vosk,
  model: unknown,
  pcm: Buffer,
  sampleRate: number,
  chunkSeconds: number,
): { events: DecodeEvent[]; acceptCodes: Set<number> } {
  const rec = vosk.recNew(model, sampleRate);
  if (!rec) throw new Error('vosk_recognizer_new returned NULL');
  vosk.setWords(rec, 1);
  const events: DecodeEvent[] = [];
  const acceptCodes = new Set<number>();
  const chunk = Math.round(chunkSeconds * sampleRate) * 2;
  let lastPartial = '';
  for (let off = 0; off < pcm.length; off += chunk) {
    const piece = pcm.subarray(off, Math.min(pcm.length, off + chunk));
    const rc = vosk.accept(rec, piece, piece.length);
    acceptCodes.add(rc);
    const at = (off + piece.length) / 2 / sampleRate;
    if (rc === 1) {
      const j = JSON.parse(vosk.result(rec)) as { text: string; result?: ResultWord[] };
      events.push({ kind: 'result', at, text: j.text, words: j.result });
      lastPartial = '';
    } else if (rc === 0) {
      const j = JSON.parse(vosk.partial(rec)) as { partial: string };
      if (j.partial !== lastPartial) events.push({ kind: 'partial', at, text: j.partial });
      lastPartial = j.partial;
    }
  }
  const j = JSON.parse(vosk.final(rec)) as { text: string; result?: ResultWord[] };
  events.push({ kind: 'final', at: pcm.length / 2 / sampleRate, text: j.text, words: j.result });
  vosk.recFree(rec);
  return { events, acceptCodes };
}

function compare(truth: ToneWord[], events: DecodeEvent[]): { ok: boolean; maxErr: number; lines: string[] } {
  const got = events.filter((e) => e.kind !== 'partial').flatMap((e) => e.words ?? []);
  const lines: string[] = [];
  let ok = got.length === truth.length;
  let maxErr = 0;
  for (let i = 0; i < Math.max(got.length, truth.length); i++) {
    const t = truth[i];
    const g = got[i];
    if (!t || !g || t.word !== g.word) {
      ok = false;
      lines.push(`  MISMATCH #${i}: truth=${t ? t.word : '-'} got=${g ? g.word : '-'}`);
      continue;
    }
    const es = g.start - t.start;
    const ee = g.end - t.end;
    maxErr = Math.max(maxErr, Math.abs(es), Math.abs(ee));
    lines.push(
      `  ${t.word.padEnd(6)} truth ${t.start.toFixed(3)}-${t.end.toFixed(3)}  got ${g.start.toFixed(3)}-${g.end.toFixed(3)}` +
        `  err ${(es * 1000).toFixed(0)}/${(ee * 1000).toFixed(0)} ms  conf ${g.conf}`,
    );
  }
  if (maxErr > TOLERANCE) ok = false;
  return { ok, maxErr, lines };
}

function finalsText(events: DecodeEvent[]): string {
  return JSON.stringify(events.filter((e) => e.kind !== 'partial').map((e) => e.words ?? []));
}

// ---------------------------------------------------------------------------
// Child: one fault case.

function child(dir: string, partialWords: boolean): void {
  const vosk = loadVosk();
  const say = (s: string): void => {
    fs.writeSync(1, s + '\n');
  };
  const model = vosk.modelNew(dir);
  say(`model=${model ? 'ok' : 'null'}`);
  if (!model) return;
  const rec = vosk.recNew(model, 16000);
  say(`rec=${rec ? 'ok' : 'null'}`);
  if (!rec) {
    vosk.modelFree(model);
    return;
  }
  vosk.setWords(rec, 1);
  if (partialWords) vosk.setPartialWords(rec, 1);
  const pcm = toS16le(toneScript(SCRIPT).samples);
  const chunk = 3200;
  for (let off = 0; off < pcm.length; off += chunk) {
    const piece = pcm.subarray(off, Math.min(pcm.length, off + chunk));
    const rc = vosk.accept(rec, piece, piece.length);
    say(`accept=${rc}`);
    if (rc === 1) say(`result=${JSON.stringify(JSON.parse(vosk.result(rec)).text)}`);
    else if (rc === 0) say(`partial=${JSON.stringify(JSON.parse(vosk.partial(rec)).partial)}`);
  }
  say(`final=${JSON.stringify(JSON.parse(vosk.final(rec)).text)}`);
  vosk.recFree(rec);
  vosk.modelFree(model);
  say('done');
}

interface ChildOutcome {
  model: string;
  rec: string;
  signal: string | null;
  status: number | null;
  stage: string;
  acceptMinus1: boolean;
  error: string;
}

function runChild(dir: string, partialWords: boolean): ChildOutcome {
  const r = spawnSync(process.execPath, [__filename, '--child', dir, partialWords ? '1' : '0'], {
    encoding: 'utf8',
    timeout: 60000,
  });
  const out = r.stdout.split('\n').filter(Boolean);
  const get = (k: string): string => out.find((l) => l.startsWith(k + '='))?.slice(k.length + 1) ?? '-';
  const errLine =
    r.stderr
      .split('\n')
      .find((l) => /ERROR|ASSERTION|Assertion|terminate|what\(\)/.test(l))
      ?.trim() ?? '';
  const last = out[out.length - 1] ?? '(nothing)';
  return {
    model: get('model'),
    rec: get('rec'),
    signal: r.signal,
    status: r.status,
    stage: last,
    acceptMinus1: out.includes('accept=-1'),
    error: errLine.length > 160 ? errLine.slice(0, 157) + '...' : errLine,
  };
}

function describe(o: ChildOutcome): string {
  const parts = [`model=${o.model}`, `rec=${o.rec}`];
  if (o.signal) parts.push(`KILLED ${o.signal} after "${o.stage}"`);
  else parts.push(`exit ${o.status}${o.stage === 'done' ? ' (decoded fine)' : ''}`);
  if (o.acceptMinus1) parts.push('accept=-1 seen');
  return parts.join(', ');
}

// ---------------------------------------------------------------------------
// Main.

function main(): number {
  let failures = 0;
  const check = (ok: boolean, msg: string): void => {
    console.log(`${ok ? 'PASS' : 'FAIL'} ${msg}`);
    if (!ok) failures++;
  };

  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tonemodel-'));
  const dir = path.join(root, 'model');
  buildToneModel(dir);
  const fastDir = path.join(root, 'model-fast');
  buildToneModel(fastDir, { fastPartials: true });
  console.log(`model: ${dir}`);
  console.log(`libvosk: ${libPath()}`);

  const vosk = loadVosk();
  vosk.setLogLevel(-2); // also hides the ERROR lines of the 8 kHz check

  const t0 = process.hrtime.bigint();
  const model = vosk.modelNew(dir);
  const loadMs = Number(process.hrtime.bigint() - t0) / 1e6;
  check(!!model, `vosk_model_new loads the tone model (${loadMs.toFixed(1)} ms)`);
  if (!model) return 1;

  const script = toneScript(SCRIPT);
  const pcm = toS16le(script.samples);
  console.log(`\nscript: ${SCRIPT.join(' ')} (${script.duration.toFixed(2)} s), 100 ms chunks`);
  const t1 = process.hrtime.bigint();
  const main100 = decode(vosk, model, pcm, 16000, 0.1);
  const decMs = Number(process.hrtime.bigint() - t1) / 1e6;
  for (const e of main100.events) {
    const w = e.words ? '  ' + e.words.map((x) => `${x.word}@${x.start.toFixed(2)}-${x.end.toFixed(2)}`).join(' ') : '';
    console.log(`  [${e.at.toFixed(1)} s] ${e.kind.padEnd(7)} "${e.text}"${w}`);
  }
  const cmp = compare(script.words, main100.events);
  cmp.lines.forEach((l) => console.log(l));
  check(cmp.ok, `words right, max word-time error ${(cmp.maxErr * 1000).toFixed(1)} ms (<= 30 ms); decode RTF ${(decMs / 1000 / script.duration).toFixed(4)}`);
  const partials = main100.events.filter((e) => e.kind === 'partial').map((e) => e.text);
  check(partials.length >= 3, `partials grow word by word: ${JSON.stringify(partials)}`);

  // Chunk-size independence of finals.
  const ref = finalsText(main100.events);
  for (const cs of [0.02, 0.25, 1.0]) {
    const r = decode(vosk, model, pcm, 16000, cs);
    check(finalsText(r.events) === ref, `finals identical with ${cs * 1000} ms chunks`);
  }

  // fastPartials model.
  {
    const m = vosk.modelNew(fastDir);
    check(!!m, 'fastPartials model loads');
    if (m) {
      const r = decode(vosk, m, pcm, 16000, 0.1);
      const c = compare(script.words, r.events);
      const p = r.events.filter((e) => e.kind === 'partial').length;
      check(c.ok, `fastPartials: words right, max error ${(c.maxErr * 1000).toFixed(1)} ms, ${p} partial updates (default model: ${partials.length})`);
      vosk.modelFree(m);
    }
  }

  // Other sample rates (synthesised directly at that rate).
  for (const rate of [44100, 48000]) {
    const s = toneScript(SCRIPT, { sampleRate: rate });
    const r = decode(vosk, model, toS16le(s.samples), rate, 0.1);
    const c = compare(s.words, r.events);
    check(c.ok, `${rate} Hz input: words right, max error ${(c.maxErr * 1000).toFixed(1)} ms`);
  }
  {
    // In a child: the resampler ERROR lines ignore vosk_set_log_level.
    const r = spawnSync(process.execPath, [__filename, '--child-rate', dir, '8000'], { encoding: 'utf8', timeout: 60000 });
    const codes = r.stdout.trim();
    check(codes === '-1', `8000 Hz input: accept_waveform returns ${codes || '(nothing)'} (doc: -1)`);
  }

  // Pure silence -> {"text": ""} via rule 1.
  {
    const s = toneScript([7]);
    const r = decode(vosk, model, toS16le(s.samples), 16000, 0.1);
    const first = r.events.find((e) => e.kind === 'result');
    check(
      !!first && first.text === '' && first.at >= 4 && first.at <= 6.5,
      `7 s silence: first result ${first ? `"${first.text}" at ${first.at.toFixed(1)} s` : 'none'} (doc: "" after ~5 s)`,
    );
  }
  vosk.modelFree(model);

  // Faults, each in a child process.
  console.log('\nmalformed models (child processes):');
  {
    const o = runChild(path.join(root, 'does-not-exist'), false);
    check(o.model === 'null' && !o.signal, `missing folder: ${describe(o)} (doc: NULL, no crash)`);
  }
  for (const fault of MODEL_FAULTS) {
    const fdir = path.join(root, 'fault-' + fault.name.replace(/[^a-z0-9]+/gi, '_'));
    buildToneModel(fdir);
    fault.apply(fdir);
    const o = runChild(fdir, false);
    let outcome = describe(o);
    const crashed = !!o.signal;
    let o2: ChildOutcome | undefined;
    if (o.rec === 'ok') {
      // Same again with vosk_recognizer_set_partial_words(1), for information.
      o2 = runChild(fdir, true);
      if (o2.signal) outcome += `; with partial words: KILLED ${o2.signal} after "${o2.stage}"`;
      else outcome += `; with partial words: no crash`;
    }
    let ok: boolean;
    if (fault.kind === 'clean') {
      const wantRecNull = /recognizer NULL/.test(fault.name);
      ok = !crashed && (wantRecNull ? o.model === 'ok' && o.rec === 'null' : o.model === 'null');
    } else {
      ok = crashed;
    }
    check(ok, `[${fault.kind}] ${fault.name}: ${outcome}`);
    const err = o.error || o2?.error;
    if (err) console.log(`       stderr: ${err}`);
  }

  fs.rmSync(root, { recursive: true, force: true });
  console.log(failures ? `\n${failures} check(s) FAILED` : '\nall checks passed');
  return failures ? 1 : 0;
}

if (process.argv[2] === '--child') {
  child(process.argv[3], process.argv[4] === '1');
} else if (process.argv[2] === '--child-rate') {
  // Prints the distinct accept_waveform return codes for SCRIPT at that rate.
  const vosk = loadVosk();
  const rate = Number(process.argv[4]);
  const model = vosk.modelNew(process.argv[3]);
  const s = toneScript(SCRIPT, { sampleRate: rate });
  const r = decode(vosk, model, toS16le(s.samples), rate, 0.1);
  fs.writeSync(1, [...r.acceptCodes].sort().join(',') + '\n');
  vosk.modelFree(model);
} else {
  process.exitCode = main();
}
