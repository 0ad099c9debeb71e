import { describe, expect, it } from '@jest/globals';
import { estimate } from './estimate.ts';
import { adHoc } from './examples.ts';
import { escapeCell, renderMarkdown } from './markdown.ts';
import { loadPrices } from './prices.ts';

describe('renderMarkdown', () => {
  it('renders a table with this environment, its shared share and the total apart', () => {
    const md = renderMarkdown(estimate(adHoc('us-east-1', 2), loadPrices()));
    const rows = md.split('\n').filter((l) => l.startsWith('|'));
    expect(rows[0]).toBe('| Item | What | Per day | Per month |');
    expect(rows).toContainEqual(
      expect.stringMatching(
        /^\| Fargate: gunicorn \| 0\.25 vCPU \/ 0\.5 GB × 1 \(1 Spot\) \| 0\.09 USD \| 2\.70 USD \|$/,
      ),
    );
    expect(rows).toContainEqual(expect.stringMatching(/^\| \*\*This environment\*\* \|/));
    expect(rows).toContainEqual(expect.stringMatching(/^\| Load balancer \| 1\/2 of 1 ALB/));
    expect(rows).toContainEqual(expect.stringMatching(/^\| \*\*Share of shared stack\*\* \|/));
    expect(rows).toContainEqual(expect.stringMatching(/^\| \*\*Total\*\* \|/));
    // Every row has the same four cells.
    expect(rows.every((r) => r.split(' | ').length === 4)).toBe(true);
    expect(md).toContain(`List prices of ${loadPrices().date}`);
    expect(md).toContain('Usage-based, not estimated: S3 bucket');
  });

  it('escapes values so a name cannot break the table or inject HTML', () => {
    expect(escapeCell('a|b <img src=x> & `c`\nd')).toBe('a&#124;b &lt;img src=x&gt; &amp; \\`c\\` d');
    const e = estimate({ ...adHoc('us-east-1', 1), name: 'pr-1|<script>' }, loadPrices());
    const md = renderMarkdown(e);
    expect(md).toContain('pr-1&#124;&lt;script&gt;');
    expect(md).not.toContain('<script>');
  });
});
