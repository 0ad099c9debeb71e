import * as core from '@actions/core';

export type Cell = string | number | boolean | undefined;

/**
 * Text as HTML shows it literally. The job summary is HTML and Markdown: a container log line
 * like `<img src=x onerror=...>` must arrive as text, never as markup.
 */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * Writes a heading, a table and notes to the job summary; a summary failure never fails the
 * step. Every string is escaped here, so no caller can write raw HTML by forgetting to.
 */
export async function writeSummaryTable(
  heading: string,
  header: string[],
  rows: Cell[][],
  notes: string[] = [],
): Promise<void> {
  const text = (cell: Cell) => escapeHtml(cell === undefined ? '' : String(cell));
  await writeSummary(() => {
    const summary = core.summary
      .addHeading(text(heading), 3)
      .addTable([
        header.map((data) => ({ data: text(data), header: true })),
        ...rows.map((row) => row.map(text)),
      ]);
    for (const note of notes) summary.addRaw(`<p>${text(note)}</p>`, true);
  });
}

/**
 * Writes what `add` puts in core.summary, when the runner gives a summary file; a summary that
 * cannot be written is a warning, never the step's failure.
 */
export async function writeSummary(add: () => void): Promise<void> {
  if (!process.env['GITHUB_STEP_SUMMARY']) return;
  try {
    add();
    await core.summary.write();
  } catch (error) {
    core.warning(`Could not write the job summary: ${(error as Error).message}`);
  }
}
