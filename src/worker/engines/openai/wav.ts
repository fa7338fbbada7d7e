/** 16 kHz float samples as the WAV file a speech server takes (16-bit PCM, mono). */
import { pcm16MonoWavHeader } from '../../../shared/wav';
import { SAMPLE_RATE } from '../../audio/format';

export function wavOf(samples: Float32Array): Buffer {
  const data = samples.length * 2;
  const b = Buffer.alloc(44 + data);
  pcm16MonoWavHeader(SAMPLE_RATE, data).copy(b);
  for (let i = 0; i < samples.length; i++) b.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(samples[i] * 32768))), 44 + 2 * i);
  return b;
}
