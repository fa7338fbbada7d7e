/**
 * What package.json contributes for a newcomer: the walkthrough (its media, its links and
 * completion events point at things that exist) and the settings in categories, in order.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { FIRST_RUN } from '../../src/models/catalog';

const ROOT = path.join(__dirname, '..', '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const commands = new Set<string>(pkg.contributes.commands.map((c: { command: string }) => c.command));
const categories: Array<{ id: string; title: string; order: number; properties: Record<string, { order?: number }> }> = pkg.contributes.configuration;
const settings = new Set(categories.flatMap((c) => Object.keys(c.properties)));

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}
const sources = sourceFiles(path.join(ROOT, 'src')).filter((f) => f.endsWith('.ts')).map((f) => fs.readFileSync(f, 'utf8'));

describe('the walkthrough', () => {
  const [walkthrough, ...others] = pkg.contributes.walkthroughs;
  const steps: Array<{ id: string; description: string; media: { markdown?: string; svg?: string }; completionEvents: string[] }> = walkthrough.steps;

  it('is one, with the six first steps in order', () => {
    assert.equal(others.length, 0);
    assert.equal(walkthrough.id, 'voxnote.gettingStarted');
    assert.deepEqual(steps.map((s) => s.id), ['model', 'microphone', 'dictation', 'pushToTalk', 'voiceCommands', 'meeting']);
  });

  it('every step has media that ships (media/) and completion events', () => {
    for (const step of steps) {
      const media = step.media.markdown ?? step.media.svg;
      assert.ok(media?.startsWith('media/') && fs.existsSync(path.join(ROOT, media)), `${step.id}: ${media}`);
      assert.ok(step.completionEvents.length > 0, step.id);
    }
  });

  it("every command link runs a contributed command (or VS Code's keyboard shortcuts), with JSON arguments", () => {
    const links = steps.flatMap((s) => [...s.description.matchAll(/\]\(command:([\w.]+)(?:\?([^)]*))?\)/g)].map((m) => ({ step: s.id, id: m[1], args: m[2] })));
    assert.ok(links.length >= 5);
    for (const { step, id, args } of links) {
      assert.ok(commands.has(id) || id === 'workbench.action.openGlobalKeybindings', `${step}: ${id}`);
      if (args) assert.ok(Array.isArray(JSON.parse(decodeURIComponent(args))), `${step}: ${args}`);
    }
    const download = links.find((l) => l.id === 'voxnote.downloadModel');
    assert.deepEqual(JSON.parse(decodeURIComponent(download!.args!)), [FIRST_RUN.model]);
  });

  it('completion events name contributed commands, settings, and context keys the extension sets', () => {
    for (const event of steps.flatMap((s) => s.completionEvents)) {
      const [kind, name] = event.split(':');
      if (kind === 'onCommand') assert.ok(commands.has(name), event);
      else if (kind === 'onSettingChanged') assert.ok(settings.has(name), event);
      else if (kind === 'onContext') assert.ok(sources.some((s) => s.includes(`'${name}'`)), `${event}: no source sets it`);
      else assert.fail(`unexpected completion event ${event}`);
    }
  });
});

describe('the settings', () => {
  it('are in five categories, in this order', () => {
    assert.deepEqual(categories.map((c) => [c.title, c.order]), [['Dictation', 1], ['Formatting', 2], ['Meeting Notes', 3], ['Models', 4], ['Audio', 5]]);
  });

  it('each setting is in one category, and each has its own order there', () => {
    const keys = categories.flatMap((c) => Object.keys(c.properties));
    assert.equal(new Set(keys).size, keys.length);
    for (const c of categories) {
      const orders = Object.values(c.properties).map((p) => p.order);
      assert.ok(orders.every((o) => Number.isInteger(o)), `${c.title}: ${JSON.stringify(orders)}`);
      assert.equal(new Set(orders).size, orders.length, `${c.title}: ${JSON.stringify(orders)}`);
    }
  });
});
