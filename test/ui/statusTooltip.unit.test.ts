/**
 * The dictation status bar tooltip is plain text: an error message or a device
 * name is shown as written, never rendered as Markdown (links, icons, emphasis).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TranscriptState } from '../../src/transcript/transcriptStore';
import { dictationTooltip } from '../../src/ui/statusTooltip';

const state = (patch: Partial<TranscriptState>): TranscriptState => ({
  status: 'idle',
  partial: '',
  level: null,
  source: 'Microphone',
  device: 'default',
  model: 'tone',
  utterances: [],
  speakerPartials: {},
  ...patch,
});

describe('dictation status bar tooltip', () => {
  it('shows an error message and hint as written', () => {
    const message = 'No input named "**evil** [click](command:workbench.action.quit) $(zap)".';
    const tooltip = dictationTooltip(state({ status: 'error', error: { message, hint: 'Choose <b>another</b> device_name_here.' } }));
    assert.equal(
      tooltip,
      `${message}\nChoose <b>another</b> device_name_here.\n\nSource: Microphone\nDevice: default\nModel: tone\n\nClick for details.`,
    );
  });

  it('shows a device name as written', () => {
    const tooltip = dictationTooltip(state({ status: 'listening', device: 'alsa_input.usb-[Mic]_(x)*2*' }));
    assert.equal(tooltip, 'Source: Microphone\nDevice: alsa_input.usb-[Mic]_(x)*2*\nModel: tone\n\nClick to start or stop dictation.');
  });

  it('says first when the audio leaves the machine', () => {
    const tooltip = dictationTooltip(state({ status: 'listening', cloud: 'AssemblyAI', model: '' }));
    assert.equal(tooltip, 'Audio is sent to AssemblyAI for transcription.\n\nSource: Microphone\nDevice: default\nModel: none yet (click to get one)\n\nClick to start or stop dictation.');
  });
});
