/**
 * Issue 15, item 5, on the VS Code controller itself with a stand-in `vscode`
 * module: a meeting interrupted by a reload is resumed ("Resume"), and Start
 * Meeting Notes comes while the resume waits for its engine. There must never be
 * two meetings. This same test, run on the controller before MeetingSlot, made
 * a second meeting (two lanes, a second notes file).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import Module from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { it } from 'node:test';

const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'lm-item5-'));
const noop = () => ({ dispose() {} });
class EventEmitter<T> { private l = new Set<(e: T) => void>(); event = (f: (e: T) => void) => { this.l.add(f); return { dispose: () => this.l.delete(f) }; }; fire(e: T) { for (const f of this.l) f(e); } dispose() { this.l.clear(); } }
const uri = (p: string) => ({ scheme: 'file', fsPath: p, path: p, toString: () => `file://${p}`, with: () => uri(p) });
const vscode = {
  EventEmitter,
  Uri: { file: uri, parse: (s: string) => uri(s.replace(/^file:\/\//, '')) },
  ViewColumn: { Beside: -2 },
  Disposable: { from: () => ({ dispose() {} }) },
  commands: { executeCommand: async () => undefined },
  window: { showTextDocument: async () => undefined, showInformationMessage: async (m: string) => (m.includes('Resume meeting notes') ? 'Resume' : undefined), showWarningMessage: async () => undefined, showErrorMessage: async () => undefined },
  workspace: {
    getConfiguration: () => ({ get: (_k: string, d: unknown) => d, inspect: () => undefined }),
    workspaceFolders: [{ uri: uri(ws) }],
    isTrusted: true,
    textDocuments: [],
    onDidChangeTextDocument: noop, onWillSaveTextDocument: noop, onDidSaveTextDocument: noop,
  },
  extensions: { getExtension: () => undefined },
};
const load = (Module as unknown as { _load: (r: string, ...a: unknown[]) => unknown })._load;
(Module as unknown as { _load: unknown })._load = (request: string, ...rest: unknown[]) => (request === 'vscode' ? vscode : load(request, ...rest));

it('item 5: Start Meeting Notes while a meeting resumes into its notes: one meeting, never two', async () => {
  const { MeetingController } = require('../../src/notes/meetingController');
  const { NotesWriter } = require('../../src/notes/notesWriter');
  // Notes interrupted by a reload: a header, no end.
  const notesPath = path.join(ws, 'notes', 'Interrupted.md');
  const w = NotesWriter.create(notesPath, { title: 'I', startedAt: new Date(), sources: ['Me (microphone)'], model: 'm' });
  await w.close();
  const state = new Map<string, unknown>([['voxnote.meeting.active', { notesPath, tracks: [{ kind: 'mic', label: 'Me' }] }]]);
  let lanes = 0;
  let engines = 0;
  const speech = { createLane: () => (lanes++, { pid: undefined, warm: async () => undefined, createSession: () => ({ state: 'starting', onStarted: noop, onFinal: noop, onPartial: noop, onLevel: noop, onStateChange: noop, onError: noop, onEnd: noop, stop: async () => ({ reason: 'requested' }), dispose() {} }), shutdown: async () => undefined, dispose() {} }) };
  const log = { info() {}, warn() {}, error() {}, debug() {}, show() {} };
  let startCalled!: Promise<void>;
  const controller = new MeetingController({
    speech,
    engine: async () => {
      engines++;
      // The resume asks first: Start Meeting Notes comes while it is under way.
      if (engines === 1) startCalled = controller.start(['mic']);
      return { engine: { kind: 'vosk', model: '/m' }, name: 'm', cloud: false };
    },
    store: { addUtterance: () => ({ id: 1 }), setSpeakerPartial() {}, clearSpeakerPartials() {}, setPending() {} },
    workspaceState: { get: (k: string) => state.get(k), update: async (k: string, v: unknown) => void state.set(k, v) },
    log,
    reportError: (e: unknown) => assert.fail(`no error expected: ${JSON.stringify(e)}`),
    keep() {},
  });
  await controller.offerResume();
  await startCalled;
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(controller.notesPath, notesPath, 'the one meeting is the resumed one');
  const files = fs.readdirSync(path.join(ws, 'notes')).filter((f) => f.endsWith('.md'));
  console.log(`# lanes made: ${lanes}; notes files: ${files.join(', ')}; engine asked ${engines} times`);
  assert.equal(lanes, 1, `one meeting's track, not two meetings: ${lanes} lanes`);
  assert.deepEqual(files, ['Interrupted.md'], 'no second notes file');
  controller.dispose();
  fs.rmSync(ws, { recursive: true, force: true });
});
