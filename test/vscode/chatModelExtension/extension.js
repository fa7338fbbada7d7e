// A chat model for the Summarize Meeting workbench test (test/vscode/summary.test.ts).
// Every request is appended to $VOXNOTE_TEST_LM_LOG as one JSON line. A transcript that
// says "please refuse" gets a refusal; "please fail" makes the request throw.
const fs = require('fs');
const vscode = require('vscode');

const SECTIONS = (what) =>
  `## Summary\n\nThe meeting, ${what}.\n\n## Decisions\n\n- Ship on Friday.\n\n## Action items\n\n- Send the budget (owner: Ana, due: Friday)\n- Book a room\n`;

exports.activate = (context) => {
  const log = process.env.VOXNOTE_TEST_LM_LOG;
  context.subscriptions.push(
    vscode.lm.registerLanguageModelChatProvider('voxnote-test', {
      provideLanguageModelChatInformation: () => [
        // A small context, so an hour of meeting needs several parts.
        { id: 'tone-chat', name: 'Tone Chat', family: 'tone', version: '1', maxInputTokens: 3000, maxOutputTokens: 1000, capabilities: {} },
      ],
      async provideLanguageModelChatResponse(model, messages, options, progress) {
        const text = messages.map((m) => m.content.map((p) => (p instanceof vscode.LanguageModelTextPart ? p.value : '')).join('')).join('\n');
        if (log) fs.appendFileSync(log, JSON.stringify({ at: Date.now(), model: model.id, text }) + '\n');
        if (/please fail/i.test(text)) throw new Error('the test model is down');
        if (/please refuse/i.test(text)) return progress.report(new vscode.LanguageModelTextPart("I'm sorry, I can't help with that."));
        const first = /^\[(\d\d:\d\d:\d\d)\]/m.exec(text);
        progress.report(new vscode.LanguageModelTextPart(SECTIONS(first ? `the part from ${first[1]}` : 'the combined parts')));
      },
      provideTokenCount: async (_model, text) => Math.ceil((typeof text === 'string' ? text : JSON.stringify(text)).length / 4),
    }),
  );
};
