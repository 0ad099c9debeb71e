/**
 * Follows the rehearsal's log to know where each step is: `── job · step n/N: title` opens a
 * step, `▸ n/N: title` inside it is a composite action's step, `✓`/`✗`/`skipped`/`cancelled`
 * (indented once, the job's own lines) closes it.
 */
export class StepTracker {
  private readonly steps: { label: string; state: string }[] = [];

  line(line: string): void {
    const opened = /^── \S+ · step (\d+\/\d+): (.*)$/.exec(line);
    if (opened) {
      this.steps.push({ label: `${opened[1]} ${opened[2]}`, state: 'running' });
      return;
    }
    const current = this.steps.at(-1);
    if (!current || current.state !== 'running') return;
    // A composite action's own steps: the label says which one runs, or the one that failed.
    const inner = /^ {3}▸ \d+\/\d+: (.*)$/.exec(line);
    if (inner && !current.label.includes(' ✗')) {
      current.label = `${current.label.split(' › ')[0]} › ${inner[1]}`;
      return;
    }
    if (/^ {5}✗ .*: failure$/.test(line) && !current.label.includes(' ✗')) {
      current.label += ' ✗';
      return;
    }
    const closed = /^ {3}(✓ success|✗ failure|skipped|cancelled)/.exec(line);
    if (closed) current.state = closed[1]!.replace(/^[✓✗] /, '');
  }

  /** "12/17 Migrate" of the first step that failed, or undefined. */
  failed(): string | undefined {
    return this.steps.find((step) => step.state === 'failure')?.label.replace(/ ✗$/, '');
  }

  /** One line per step: done, failed, skipped, interrupted (running when cancelled), cancelled. */
  report(): string[] {
    const mark: Record<string, string> = {
      success: '✓ done',
      failure: '✗ interrupted',
      running: '✗ interrupted',
      skipped: '- skipped',
      cancelled: '· cancelled (not started)',
    };
    return this.steps.map((step) => `${mark[step.state] ?? step.state}  ${step.label.replace(/ ✗$/, '')}`);
  }
}

/** The job summary as the terminal shows it. */
const BOLD = '\x1b[1m';
const RESET = '\x1b[0m';
const color = process.stdout.isTTY
  ? (code: string, text: string) => `${code}${text}${RESET}`
  : (_: string, text: string) => text;

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
