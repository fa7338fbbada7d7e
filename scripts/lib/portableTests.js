// Lists the compiled test files meant to hold on Windows and macOS (scripts/lib/portable-tests.txt)
// for one of its columns: `node scripts/lib/portableTests.js wine|ci`, one path per line, relative
// to the project (out/test/...). Plain Node (no bash 4 on macOS, no fs.globSync on Node 20).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const COLUMNS = { wine: 1, ci: 2 };

function portableTests(column, root = ROOT) {
  const index = COLUMNS[column];
  if (!index) throw new Error(`column must be one of: ${Object.keys(COLUMNS).join(', ')}`);
  const globs = fs
    .readFileSync(path.join(root, 'scripts', 'lib', 'portable-tests.txt'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() && !line.startsWith('#'))
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields[index] === 'yes')
    .map(([glob]) => new RegExp(`^out/${glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`));
  const files = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(rel);
      else if (globs.some((g) => g.test(rel))) files.push(rel);
    }
  };
  walk('out/test');
  return files.sort();
}

module.exports = { portableTests };

if (require.main === module) {
  try {
    process.stdout.write(portableTests(process.argv[2]).join('\n') + '\n');
  } catch (e) {
    console.error(`portableTests: ${e.message}`);
    process.exit(2);
  }
}
