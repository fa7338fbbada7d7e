/**
 * The speech-server engine (`openai`) against the same engine run locally:
 * one minute of the offline sherpa tone model's VAD speech, played at real-time
 * pace into the worker, once with the sherpa engine on this machine and once
 * per protocol through the loopback stand-in server (test/support/openaiServer.ts),
 * which decodes with the same model: end of speech to final, requests per
 * minute of speech, bytes uploaded per minute against the audio's own size.
 * The stand-in adds no network; a second batch run adds 250 ms to every
 * request, as a server across a network or under load would.
 */
import * as path from 'path';
import { buildSherpaToneModel } from '../test/support/sherpaToneModel';
import { OpenAIStandIn, STAND_IN_MODEL } from '../test/support/openaiServer';
import type { ServerProtocol } from '../src/shared/engines';
import { block, delays, runWorker, writeRepeats } from './sherpa';

/** 16-bit mono PCM at 16 kHz: what one minute of the audio itself is. */
const PCM_BYTES_PER_MINUTE = 16000 * 2 * 60;

export async function serverBench(dist: string, work: string) {
  const model = buildSherpaToneModel(path.join(work, 'server-offline'), 'offline');
  const b = block('offline');
  const minute = writeRepeats(path.join(work, 'server-1.wav'), b, 1);
  // The block's utterances, from their VAD speech start: what "a minute of speech" counts.
  const speechMinutes = b.ends.length ? (b.ends.at(-1)!.end - 0.5) / 60 : 1;
  const local = await runWorker(dist, { kind: 'sherpa', model }, minute, true);
  const standIn = await OpenAIStandIn.start(model);
  const viaServer = async (protocol: Exclude<ServerProtocol, 'auto'>, latencyMs: number) => {
    standIn.faults = { latencyMs };
    const r0 = standIn.requests.length;
    const c0 = standIn.realtimeConnections.length;
    const w = await runWorker(dist, { kind: 'openai', baseUrl: standIn.baseUrl, model: STAND_IN_MODEL, protocol }, minute, true);
    const requests = standIn.requests.slice(r0).filter((r) => r.path.endsWith('/audio/transcriptions'));
    // Realtime audio travels as base64 inside JSON: 4 bytes per 3.
    const bytes = protocol === 'batch' ? requests.reduce((n, r) => n + r.bytes, 0) : standIn.realtimeConnections.slice(c0).reduce((n, c) => n + Math.ceil(c.appendedBytes / 3) * 4, 0);
    return {
      endOfSpeechToFinalSeconds: delays(w.finals, b, `${protocol} +${latencyMs} ms`),
      ...(protocol === 'batch' ? { requestsPerMinuteOfSpeech: Math.round((requests.length / speechMinutes) * 10) / 10, finalRequests: w.finals.length, partialRequests: requests.length - w.finals.length } : { websocketSessions: standIn.realtimeConnections.length - c0 }),
      bytesUploadedPerMinute: bytes,
      uploadedVsAudioSize: Math.round((bytes / PCM_BYTES_PER_MINUTE) * 100) / 100,
      workerCpuSeconds: Math.round(w.cpuSeconds * 100) / 100,
      addedLatencyMs: latencyMs,
    };
  };
  try {
    return {
      localSherpaOffline: { endOfSpeechToFinalSeconds: delays(local.finals, b, 'local'), workerCpuSeconds: Math.round(local.cpuSeconds * 100) / 100 },
      standInBatch: await viaServer('batch', 0),
      standInBatchPlus250ms: await viaServer('batch', 250),
      standInRealtime: await viaServer('realtime', 0),
      audioBytesPerMinute: PCM_BYTES_PER_MINUTE,
      speechMinutes: Math.round(speechMinutes * 100) / 100,
      note: 'One minute at real-time pace, partials on. The tone model decodes in almost no time, so the batch delays are the VAD\'s 0.5 s minimum silence plus request overhead (and any partial request still running); a real server adds its decode time per request. Batch uploads each segment once per final and again per partial (the open segment), so uploaded bytes exceed the audio\'s size when partials are on; the realtime protocol sends 24 kHz pcm16 as base64.',
    };
  } finally {
    await standIn.close();
  }
}
