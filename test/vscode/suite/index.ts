/** extensionTestsPath entry for the dictation suite (driver: test/vscode/dictation.test.ts). */
import { runSuitesIn } from '../mochaRunner';

export const run = (): Promise<void> => runSuitesIn(__dirname);
