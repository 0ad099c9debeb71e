import { escapeHtml } from '../lib/summary.ts';

/** What a workflow's own summary says: a heading, label/value rows, links, a paragraph. */
export interface SummaryContent {
  title: string;
  /** Shown as code: image tags, digests, release ids. */
  rows: { label: string; value: string }[];
  /** Shown as links when they are http(s) URLs, as text otherwise. */
  links: { label: string; value: string }[];
  text: string;
}

const HTTP_URL = /^https?:\/\/[^\s]+$/;

/**
 * The summary as HTML, every value escaped: a value comes from a workflow input or a
 * Terraform output, and must show as text, never as markup or a `javascript:` link.
 */
export function renderSummary(content: SummaryContent): string {
  // A blank line would end GitHub's HTML block and let the rest render as Markdown (links,
  // images): no rendered value keeps a line break.
  const oneLine = (text: string) => escapeHtml(text.replace(/\s+/g, ' ').trim());
  const paragraphs = content.text
    .split(/\n\s*\n/)
    .map(oneLine)
    .filter((p) => p !== '');
  const cell = (html: string) => `<td>${html}</td>`;
  const rows = [
    ...content.rows.map(({ label, value }) => [escapeHtml(label), `<code>${escapeHtml(value)}</code>`]),
    ...content.links
      .filter(({ value }) => value !== '')
      .map(({ label, value }) => [
        escapeHtml(label),
        HTTP_URL.test(value) ? `<a href="${escapeHtml(value)}">${escapeHtml(value)}</a>` : escapeHtml(value),
      ]),
  ];
  return [
    `<h3>${oneLine(content.title)}</h3>`,
    ...(rows.length > 0
      ? [`<table>${rows.map(([label, value]) => `<tr>${cell(label!)}${cell(value!)}</tr>`).join('')}</table>`]
      : []),
    ...paragraphs.map((p) => `<p>${p}</p>`),
    '',
  ].join('\n');
}
