import { describe, expect, test } from '@jest/globals';
import { renderSummary, type SummaryContent } from './render.ts';

const EMPTY: SummaryContent = { title: 'feature-abc: success', rows: [], links: [], text: '' };

describe('renderSummary: a workflow summary, every value escaped', () => {
  test.each<[string, Partial<SummaryContent>, string]>([
    ['a heading alone', {}, '<h3>feature-abc: success</h3>\n'],
    [
      'rows as code, then links',
      {
        rows: [{ label: 'Image', value: 'v1.2.3' }],
        links: [{ label: 'URL', value: 'https://feature-abc.example.com' }],
      },
      '<h3>feature-abc: success</h3>\n<table><tr><td>Image</td><td><code>v1.2.3</code></td></tr>' +
        '<tr><td>URL</td><td><a href="https://feature-abc.example.com">https://feature-abc.example.com</a></td></tr></table>\n',
    ],
    [
      'an empty link is left out, a paragraph follows',
      { links: [{ label: 'Failure report', value: '' }], text: 'Nothing to destroy.' },
      '<h3>feature-abc: success</h3>\n<p>Nothing to destroy.</p>\n',
    ],
    [
      'markup in a value is text',
      { title: '<b>x</b>', rows: [{ label: 'Image', value: '<img src=x onerror=alert(1)>' }] },
      '<h3>&lt;b&gt;x&lt;/b&gt;</h3>\n<table><tr><td>Image</td><td><code>&lt;img src=x onerror=alert(1)&gt;</code></td></tr></table>\n',
    ],
    [
      'a link that is not http(s) is text, not a link',
      { links: [{ label: 'URL', value: 'javascript:alert(1)' }] },
      '<h3>feature-abc: success</h3>\n<table><tr><td>URL</td><td>javascript:alert(1)</td></tr></table>\n',
    ],
    [
      'a quote cannot leave the href',
      { links: [{ label: 'URL', value: 'https://x.example/"onmouseover="alert(1)' }] },
      '<h3>feature-abc: success</h3>\n<table><tr><td>URL</td><td><a href="https://x.example/&quot;onmouseover=&quot;alert(1)">https://x.example/&quot;onmouseover=&quot;alert(1)</a></td></tr></table>\n',
    ],
    [
      'a blank line cannot end the HTML block: the title is one line, the text one paragraph each',
      { title: 'x\n\n[a](https://evil.example) ![i](https://evil.example/i.png)', text: 'one\ntwo\n\n# big' },
      '<h3>x [a](https://evil.example) ![i](https://evil.example/i.png)</h3>\n<p>one two</p>\n<p># big</p>\n',
    ],
  ])('%s', (_why, content, html) => {
    expect(renderSummary({ ...EMPTY, ...content })).toBe(html);
  });
});
