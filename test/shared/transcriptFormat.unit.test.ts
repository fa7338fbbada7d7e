/** Subtitle cues from timed text: a cue's text is text, whatever was said. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { VTT_HEADER, vttCue } from '../../src/shared/transcriptFormat';

describe('WebVTT cues', () => {
  it('escape &, < and > in the text, so "-->" cannot end the timing line or open a tag', () => {
    const cue = vttCue({ start: 1, end: 2.5, text: 'a --> b & c <i>not italic</i>' });
    assert.equal(cue, '00:00:01.000 --> 00:00:02.500\na --&gt; b &amp; c &lt;i&gt;not italic&lt;/i&gt;\n\n');
  });

  it('escape the voice name too', () => {
    const cue = vttCue({ start: 0, end: 1, text: 'hello', speaker: 'Tom & <Jerry> -->' });
    assert.equal(cue, '00:00:00.000 --> 00:00:01.000\n<v Tom &amp; &lt;Jerry&gt; --&gt;>hello\n\n');
  });

  it('each cue has exactly one timing line', () => {
    const file = VTT_HEADER + vttCue({ start: 0, end: 1, text: 'x --> y', speaker: 'a-->b' });
    assert.equal(file.split('\n').filter((l) => l.includes('-->')).length, 1, file);
  });
});
