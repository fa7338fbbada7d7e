/**
 * `node dist/bench.js twopass`: two-pass dictation (a streaming model's
 * partials, an offline model's finals) against either model alone, at the
 * cost-knob costs of bench/costly.ts (0.02, 0.1, 0.3 s of decode per audio
 * second for each model), one worker, audio played in real time. Printed side
 * by side per cost: end of speech → final p50/p95, CPU per audio minute,
 * decode backlog peak, lost utterances. The offline model decodes the tones
 * with another word table (FRENCH_TOKENS), so each final says which model
 * made it: two-pass and offline-only finals must be the French text,
 * streaming-only ones the English.
 * The audio is bench/costly.ts's offline script (espeak speech around the tone
 * words, 1.5 s pauses): Silero VAD segments it for the offline-only path, and the
 * streaming model hears the speech as blanks and ends each utterance at the pause.
 */
import * as os from 'os';
import * as path from 'path';
import type { EngineSpec } from '../src/shared/protocol';
import { buildSherpaToneModel, FRENCH_TOKENS, retoken } from '../test/support/sherpaToneModel';
import { writeRepeatedWav } from '../test/support/toneAudio';
import { COSTS, live, measureSherpa, offlineScript } from './costly';
import { sherpaCostLayers } from '../test/support/costCalibration';

const r3 = (x: number) => Math.round(x * 1000) / 1000;

export async function twoPassBench(dist: string, work: string) {
  const script = offlineScript(9);
  const french = { ...script, utterances: script.utterances.map((u) => ({ ...u, text: retoken(u.text, FRENCH_TOKENS) })) };
  // Two-pass on a machine too slow for both: an utterance may keep its streaming text (counted as finalsWithAltText).
  const twoPassScript = { ...french, utterances: french.utterances.map((u, i) => ({ ...u, alt: script.utterances[i].text })) };
  const wav = writeRepeatedWav(path.join(work, 'twopass.wav'), script.samples, 16000, 1);
  const figures: Record<string, unknown> = {};
  for (const cost of COSTS) {
    const streaming = buildSherpaToneModel(path.join(work, `twopass-streaming-${cost}`), 'streaming', { costLayers: sherpaCostLayers(cost, 'streaming') });
    const offline = buildSherpaToneModel(path.join(work, `twopass-offline-${cost}`), 'offline', { costLayers: sherpaCostLayers(cost, 'offline'), tokenNames: FRENCH_TOKENS });
    // Voxnote's threads on 2 cores: a grant of one, each model one thread (speech/threadBudget.ts splitTwoPass).
    const single = (model: string): EngineSpec => ({ kind: 'sherpa', model, threads: 1 });
    const twoPass: EngineSpec = { kind: 'sherpa', model: streaming, threads: 1, twoPass: { model: offline, threads: 1 } };
    const row = {
      measuredCost: { streaming: r3(measureSherpa('streaming', streaming, script)), offline: r3(measureSherpa('offline', offline, script)) },
      twoPass: await live(dist, twoPass, wav, twoPassScript, 1),
      streamingOnly: await live(dist, single(streaming), wav, script, 1),
      offlineOnly: await live(dist, single(offline), wav, french, 1),
    };
    figures[String(cost)] = row;
    process.stderr.write(`twopass ${cost} ${JSON.stringify({ ...row, loadAverage: os.loadavg().map(r3) })}\n`);
  }
  return {
    ...figures,
    what: `dictation, one worker, ${script.utterances.length} utterances of 2-6 words in ${r3(script.samples.length / 16000)} s played in real time; keys are the nominal decode cost per audio second of each model (both models at that cost in two-pass), measuredCost what each decodes here in a plain loop, as loaded as the machine was; twoPass = streaming NeMo CTC tone model for partials + offline TDNN tone model for finals; offlineOnly = that offline model with Silero VAD (its partials are re-decodes); finals counted only when they are the expected model's text (two-pass: the offline text, or the streaming text kept by an utterance that waited over 2 s for the offline model, counted in finalsWithAltText)`,
  };
}
