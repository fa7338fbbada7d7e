/** When two-pass dictation is on, and what the Voxnote log says when it is not (models/twoPass.ts). */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { ModelSpeed } from '../../src/models/modelSpeed';
import { decideTwoPass, finalModelFolder, TwoPassInput } from '../../src/models/twoPass';
import type { ModelCheck } from '../../src/shared/modelFolder';
import type { SherpaModel } from '../../src/shared/sherpaModelFolder';

const sherpa = (streaming: boolean): Extract<ModelCheck, { ok: true }> => ({
  ok: true,
  engine: 'sherpa',
  supportsPhrases: false,
  model: { streaming, kind: streaming ? 'transducer' : 'whisper', files: {}, tokens: 't', featureDim: 80 } as SherpaModel,
});
const VOSK: Extract<ModelCheck, { ok: true }> = { ok: true, engine: 'vosk', layout: 'v2', supportsPhrases: true };
const speed = (rtf: number): ModelSpeed => ({ rtf, threads: 1, cores: 2, measuredAt: '2026-12-07' });

function input(over: Partial<TwoPassInput> & { speeds?: Record<string, number> } = {}): TwoPassInput {
  const speeds = over.speeds ?? { '/m/zipformer': 0.05, '/m/whisper-base': 0.2 };
  return {
    setting: 'auto',
    model: { path: '/m/zipformer', check: sherpa(true) },
    finalModel: '/m/whisper-base',
    checkFolder: (f) => (f === '/m/whisper-base' ? sherpa(false) : f === '/m/vosk' ? VOSK : { ok: false, message: `The model folder ${f} does not exist or cannot be read.`, hint: '' }),
    speed: (f) => (speeds[f] === undefined ? undefined : speed(speeds[f])),
    ...over,
  };
}

describe('two-pass decision', () => {
  it('auto: on when both models were measured and together keep up, with the figures', () => {
    const d = decideTwoPass(input());
    assert.deepEqual(d, { on: true, finalModel: '/m/whisper-base', why: 'Two-pass on: zipformer 0.05 + whisper-base 0.20 = 0.25 s of decoding per second of speech.' });
  });

  it('auto: off when the two together are too slow for live speech, saying so with the figures', () => {
    const d = decideTwoPass(input({ speeds: { '/m/zipformer': 0.1, '/m/whisper-base': 0.45 } }));
    assert.equal(d.on, false);
    assert.match(d.why!, /not fast enough for both models \(zipformer 0\.10 \+ whisper-base 0\.45 = 0\.55 .*at most 0\.5\)/);
  });

  it('auto: off until Test Model Speed has measured both, naming the unmeasured', () => {
    const d = decideTwoPass(input({ speeds: { '/m/zipformer': 0.05 } }));
    assert.deepEqual(d, { on: false, why: 'Two-pass stays off until Voxnote: Test Model Speed has measured whisper-base on this machine.' });
  });

  it('on: on whatever the speed; off: off without a word; auto without a final model: off without a word', () => {
    assert.equal(decideTwoPass(input({ setting: 'on', speeds: {} })).on, true);
    assert.deepEqual(decideTwoPass(input({ setting: 'off' })), { on: false });
    assert.deepEqual(decideTwoPass(input({ finalModel: '' })), { on: false });
    assert.match(decideTwoPass(input({ setting: 'on', finalModel: '' })).why!, /voxnote\.twoPass\.model names no offline model/);
  });

  it('a Vosk dictation model is a streaming first pass', () => {
    assert.equal(decideTwoPass(input({ model: { path: '/m/vosk', check: VOSK }, speeds: { '/m/vosk': 0.05, '/m/whisper-base': 0.2 } })).on, true);
  });

  it('off, saying why, when the dictation model is offline or the final model is missing, streaming or Vosk', () => {
    const cases: Array<[Partial<TwoPassInput>, RegExp]> = [
      [{ model: { path: '/m/whisper-base', check: sherpa(false) } }, /needs a streaming dictation model; whisper-base already decodes each utterance whole/],
      [{ finalModel: '/m/gone' }, /final model: The model folder \/m\/gone does not exist/],
      [{ finalModel: '/m/vosk' }, /vosk is a Vosk model/],
      [{ finalModel: '/m/zipformer', checkFolder: () => sherpa(true) }, /zipformer is a streaming model/],
    ];
    for (const [over, why] of cases) {
      const d = decideTwoPass(input({ setting: 'on', ...over }));
      assert.equal(d.on, false);
      assert.match(d.why!, why);
    }
  });

  it('the final model setting names an installed model, or else is a folder', () => {
    const installed = { folder: '/storage/models', names: ['sherpa-onnx-whisper-base.en', 'vosk-model-small-en-us-0.15'] };
    assert.equal(finalModelFolder('sherpa-onnx-whisper-base.en', installed), path.join('/storage/models', 'sherpa-onnx-whisper-base.en'));
    assert.equal(finalModelFolder('/opt/models/parakeet', installed), '/opt/models/parakeet');
  });
});
