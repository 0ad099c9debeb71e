import { describe, expect, it } from '@jest/globals';
import { changelogEntry } from './history.ts';
import {
  findReferences,
  floatingReferences,
  isReleasedReferenceFile,
  majorTag,
  pinReferences,
} from './references.ts';

const WORKFLOW = `jobs:
  deploy:
    uses: adhoc-actions/adhoc-actions/.github/workflows/app-update.yml@v1
  steps:
    - uses: adhoc-actions/adhoc-actions/rolling-update@v1.2.3
    - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
`;
const MODULE = `module "env" {
  source = "git::https://github.com/adhoc-actions/adhoc-actions.git//terraform/modules/environment?ref=main"
}`;

describe('references to this repository', () => {
  it('finds actions, reusable workflows and Terraform modules with their refs and lines', () => {
    expect(findReferences(WORKFLOW)).toEqual([
      { line: 3, target: '.github/workflows/app-update.yml', ref: 'v1' },
      { line: 5, target: 'rolling-update', ref: 'v1.2.3' },
    ]);
    expect(findReferences(MODULE)).toEqual([
      { line: 2, target: 'terraform/modules/environment', ref: 'main' },
    ]);
    // IAM trust conditions name the calling workflow's ref; that is a claim pattern, not a uses:.
    expect(
      findReferences(
        'job_workflow_ref = "adhoc-actions/adhoc-actions/.github/workflows/x.yml@refs/tags/v1*"',
      ),
    ).toEqual([]);
    expect(findReferences('reference it as adhoc-actions/adhoc-actions/.github/actions/x@v1.0.0.')).toEqual([
      { line: 1, target: '.github/actions/x', ref: 'v1.0.0' },
    ]);
    expect(findReferences('- uses: <org>/adhoc-actions/slack-notify@v1')).toEqual([
      { line: 1, target: 'slack-notify', ref: 'v1' },
    ]);
  });

  it('calls every ref other than the exact release floating: a major tag, a branch, another release', () => {
    expect(floatingReferences(WORKFLOW, 'v1.2.3').map((r) => r.ref)).toEqual(['v1']);
    expect(floatingReferences(MODULE, 'v1.2.3').map((r) => r.ref)).toEqual(['main']);
    expect(floatingReferences(WORKFLOW, 'v2.0.0').map((r) => r.ref)).toEqual(['v1', 'v1.2.3']);
  });

  it('pins every reference at the release and leaves third-party actions alone', () => {
    const pinned = pinReferences(WORKFLOW + MODULE, 'v1.3.0');
    expect(floatingReferences(pinned, 'v1.3.0')).toEqual([]);
    expect(pinned).toContain('actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2');
    expect(pinned).toContain('//terraform/modules/environment?ref=v1.3.0"');
    expect(() => pinReferences(WORKFLOW, 'v1')).toThrow('Not a release version');
  });

  it('moves the major tag of a release', () => {
    expect(majorTag('v1.4.2')).toBe('v1');
    expect(majorTag('v12.0.0')).toBe('v12');
    expect(() => majorTag('1.4.2')).toThrow();
  });

  it('checks the files users copy or call, not history or bundles', () => {
    expect(isReleasedReferenceFile('.github/workflows/ad-hoc-deploy.yml')).toBe(true);
    expect(isReleasedReferenceFile('terraform/examples/ad-hoc/main.tf')).toBe(true);
    expect(isReleasedReferenceFile('README.md')).toBe(true);
    expect(isReleasedReferenceFile('CHANGELOG.md')).toBe(false);
    expect(isReleasedReferenceFile('dist/rolling-update/index.js')).toBe(false);
  });
});

describe('changelog entries', () => {
  const changelog = `# Changelog

## [1.1.0](https://example.invalid/compare/v1.0.0...v1.1.0) (2026-11-23)

### Features

* a feature

### [1.0.1](https://example.invalid/compare/v1.0.0...v1.0.1) (2026-11-20)

### Bug Fixes

* a fix

## 1.0.0 (2026-11-01)
`;
  it('takes one version from its heading to the next version', () => {
    expect(changelogEntry(changelog, 'v1.1.0')).toBe(
      '## [1.1.0](https://example.invalid/compare/v1.0.0...v1.1.0) (2026-11-23)\n\n### Features\n\n* a feature',
    );
    expect(changelogEntry(changelog, 'v1.0.1')).toContain('* a fix');
    expect(changelogEntry(changelog, 'v1.0.0')).toBe('## 1.0.0 (2026-11-01)');
    expect(() => changelogEntry(changelog, 'v9.9.9')).toThrow('no entry for v9.9.9');
  });
});
