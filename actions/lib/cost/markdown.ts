/** Markdown for the job summary and the preview's PR comment. Pure. */
import type { Estimate } from './estimate.ts';

/** Escapes a value for a markdown table cell: HTML, pipes, markdown punctuation and newlines. */
export function escapeCell(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '&#124;')
    .replace(/([\\`*_[\]])/g, '\\$1')
    .replace(/\r?\n/g, ' ');
}

export function money(x: number, currency: string): string {
  return `${x.toFixed(2)} ${currency}`;
}

export function renderMarkdown(e: Estimate): string {
  const c = e.currency;
  const row = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  const lines = [
    `### Estimated cost: ${escapeCell(e.environment)} (${escapeCell(e.region)})`,
    '',
    row(['Item', 'What', 'Per day', 'Per month']),
    row(['---', '---', '---:', '---:']),
    ...e.lines
      .filter((l) => l.kind === 'environment')
      .map((l) => row([escapeCell(l.item), escapeCell(l.detail), money(l.daily, c), money(l.monthly, c)])),
    row([
      '**This environment**',
      '',
      `**${money(e.environmentTotal.daily, c)}**`,
      `**${money(e.environmentTotal.monthly, c)}**`,
    ]),
    ...e.lines
      .filter((l) => l.kind === 'shared')
      .map((l) => row([escapeCell(l.item), escapeCell(l.detail), money(l.daily, c), money(l.monthly, c)])),
    row([
      '**Share of shared stack**',
      '',
      `**${money(e.sharedTotal.daily, c)}**`,
      `**${money(e.sharedTotal.monthly, c)}**`,
    ]),
    row(['**Total**', '', `**${money(e.total.daily, c)}**`, `**${money(e.total.monthly, c)}**`]),
    '',
    `Usage-based, not estimated: ${e.usageBased.map(escapeCell).join('; ')}.`,
    '',
    `List prices of ${escapeCell(e.pricesDate)} from the table shipped in actions/lib/cost/prices.json; Fargate Spot varies.` +
      (e.unconfirmed.length > 0
        ? ` Not confirmed for this region: ${e.unconfirmed.map(escapeCell).join(', ')}.`
        : ''),
  ];
  return lines.join('\n') + '\n';
}
