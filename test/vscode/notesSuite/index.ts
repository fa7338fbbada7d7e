/** extensionTestsPath entry for the meeting-notes suite (driver: test/vscode/notes.test.ts). */
import { runSuitesIn } from '../mochaRunner';

export const run = (): Promise<void> => runSuitesIn(__dirname);
