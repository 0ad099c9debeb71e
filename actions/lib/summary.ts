import * as core from '@actions/core';

export type Cell = string | number | boolean | undefined;

/** Writes a heading and a table to the job summary; a summary failure never fails the step. */
export async function writeSummaryTable(
  heading: string,
  header: string[],
  rows: Cell[][],
  notes: string[] = [],
): Promise<void> {
  if (!process.env['GITHUB_STEP_SUMMARY']) return;
  try {
    const summary = core.summary
      .addHeading(heading, 3)
      .addTable([
        header.map((data) => ({ data, header: true })),
        ...rows.map((row) => row.map((cell) => (cell === undefined ? '' : String(cell)))),
      ]);
    for (const note of notes) summary.addRaw(note, true);
    await summary.write();
  } catch (error) {
    core.warning(`Could not write the job summary: ${(error as Error).message}`);
  }
}
