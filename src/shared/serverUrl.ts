/** Checks of service URLs. No VS Code API here. */

/** A full wss:// URL (AssemblyAI's streaming endpoint or a proxy of it). */
export const isWssUrl = (url: string): boolean => /^wss:\/\/[^\s/]+/i.test(url);
