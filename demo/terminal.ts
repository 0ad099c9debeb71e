import { WorkflowLogReader } from '../test/helpers/workflow-log.ts';

/** What the demo prints: step logs as they arrive, and the job summary as plain-text tables. */

const GREY = '\x1b[90m';
const RED = '\x1b[31m';
const YELLOW = '\x1b[33m';
const BOLD = '\x1b[1m';
const RESET = '\x1b[0m';
const color = process.stdout.isTTY
  ? (code: string, text: string) => `${code}${text}${RESET}`
  : (_: string, text: string) => text;

export function heading(text: string): void {
  console.log(`\n${color(BOLD, `▶ ${text}`)}`);
}

/** An onStdout handler printing a step's log live, indented, the way the Actions UI shows it. */
export function liveLog(): (chunk: string) => void {
  const reader = new WorkflowLogReader();
  let partial = '';
  return (chunk) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      const read = reader.read(line);
      if (read.kind === 'text') console.log(color(GREY, '  │ ') + read.text);
      else if (read.kind === 'error') console.log(color(RED, `  ✗ Error: ${read.text}`));
      else if (read.kind === 'warning') console.log(color(YELLOW, `  ! Warning: ${read.text}`));
    }
  };
}

const decode = (html: string) =>
  html
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .trim();

/** The job summary (the HTML @actions/core writes) as headings and aligned text tables. */
export function renderSummary(html: string): string {
  const out: string[] = [];
  const parts = html.split(/(<h\d>[\s\S]*?<\/h\d>|<table>[\s\S]*?<\/table>)/);
  for (const part of parts) {
    if (/^<h\d>/.test(part)) {
      out.push('', color(BOLD, decode(part)));
    } else if (part.startsWith('<table>')) {
      const rows = [...part.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) =>
        [...row[1]!.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) => decode(cell[1]!)),
      );
      const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
      rows.forEach((row, r) => {
        out.push('  ' + row.map((cell, i) => cell.padEnd(widths[i]!)).join('  '));
        if (r === 0) out.push('  ' + widths.map((w) => '─'.repeat(w)).join('  '));
      });
    } else if (decode(part) !== '') {
      out.push(decode(part));
    }
  }
  return out.join('\n');
}
