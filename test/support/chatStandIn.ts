/**
 * A local stand-in for an OpenAI-compatible chat-completions endpoint (what
 * Ollama, llama.cpp's server and LM Studio serve): records every request and
 * answers from the test's function, as `{ choices: [{ message }] }` or as an
 * error status. For Summarize Meeting's tests and bench.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ChatRequest {
  model: string;
  messages: Array<{ role: string; content: string }>;
}

export type StandInAnswer = string | { status: number; body: string };

export interface ChatStandIn {
  /** The base URL to configure, e.g. http://127.0.0.1:1234/v1 */
  baseUrl: string;
  requests: ChatRequest[];
  close(): Promise<void>;
}

/** Three sections that name what the request was about (its first transcript line, or "combined"). */
export function sectionsFor(request: ChatRequest): string {
  const user = request.messages.filter((m) => m.role === 'user').at(-1)?.content ?? '';
  const first = /^\[\d\d:\d\d:\d\d\] .*$/m.exec(user)?.[0];
  const what = first ? `the part from ${first.slice(1, 9)}` : 'the combined parts';
  return `## Summary\n\nThe meeting, ${what}.\n\n## Decisions\n\n- Ship on Friday.\n\n## Action items\n\n- Send the budget (owner: Ana, due: Friday)\n- Book a room\n`;
}

export async function startChatStandIn(answer: (r: ChatRequest) => StandInAnswer | Promise<StandInAnswer> = sectionsFor): Promise<ChatStandIn> {
  const requests: ChatRequest[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', async () => {
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `no route ${req.method} ${req.url}` } }));
        return;
      }
      const request = JSON.parse(body) as ChatRequest;
      requests.push(request);
      const a = await answer(request);
      if (typeof a === 'string') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content: a }, finish_reason: 'stop' }] }));
      } else {
        res.writeHead(a.status, { 'content-type': 'application/json' }).end(a.body);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** `lines` transcript lines of a meeting, two speakers taking turns, `secondsApart` apart. */
export function meetingLines(lines: number, secondsApart = 4): string[] {
  const words = ['we', 'should', 'send', 'the', 'budget', 'by', 'friday', 'and', 'book', 'a', 'room', 'for', 'the', 'review'];
  return Array.from({ length: lines }, (_, i) => {
    const t = i * secondsApart;
    const clock = [Math.floor(t / 3600), Math.floor(t / 60) % 60, t % 60].map((n) => String(n).padStart(2, '0')).join(':');
    const said = Array.from({ length: 8 + (i % 7) }, (_, k) => words[(i + k) % words.length]).join(' ');
    return `[${clock}] **${i % 2 ? 'Others' : 'Me'}:** ${said[0].toUpperCase()}${said.slice(1)}.`;
  });
}
