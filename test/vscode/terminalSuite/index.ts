/** extensionTestsPath entry for the production-mode suite (driver: test/vscode/terminal.test.ts). */
import { runSuitesIn } from '../mochaRunner';

export const run = (): Promise<void> => runSuitesIn(__dirname);
