// Sets keys in a VS Code settings.json and keeps everything else in it, so npm start
// does not undo what the user changed in its VS Code between runs.
//
//   node scripts/merge-settings.mjs <settings.json> '{"key": value, ...}'
//
// VS Code writes plain JSON; a file it cannot parse is left alone with an error
// naming it, so nothing the user wrote is lost.
import * as fs from 'node:fs';
import * as path from 'node:path';

const [file, patchText] = process.argv.slice(2);
if (!file || !patchText) {
  console.error('usage: node scripts/merge-settings.mjs <settings.json> \'{"key": value}\'');
  process.exit(2);
}
let settings = {};
if (fs.existsSync(file)) {
  const text = fs.readFileSync(file, 'utf8');
  try {
    settings = text.trim() ? JSON.parse(text) : {};
  } catch (e) {
    console.error(`start: ${file} is not plain JSON (${e.message}); fix it or delete it, then start again.`);
    process.exit(1);
  }
}
fs.mkdirSync(path.dirname(file), { recursive: true });
fs.writeFileSync(file, `${JSON.stringify({ ...settings, ...JSON.parse(patchText) }, null, 2)}\n`);
