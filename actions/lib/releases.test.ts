import { describe, expect, test } from '@jest/globals';
import { computeHistory, selectRelease, TAGS, type Revision } from './releases.ts';

/** `family:revision@time[release][+]`: + means it reached steady (released-at). */
function rev(spec: string, status = 'ACTIVE'): Revision {
  const [, family, revision, at, release, steady] = /^([\w-]+):(\d+)@(\d+)(?:\[(.+?)\])?(\+)?$/.exec(spec)!;
  return {
    family: family!,
    revision: Number(revision),
    arn: `arn:aws:ecs:us-east-1:123456789012:task-definition/${family}:${revision}`,
    status,
    registeredAt: Number(at),
    tags: {
      ...(release && { [TAGS.release]: release, [TAGS.commit]: `${release}-sha`, [TAGS.actor]: 'alice' }),
      ...(steady && { [TAGS.releasedAt]: `2026-11-23T00:00:0${at}.000Z` }),
    },
  };
}

const families = (revisions: string[], wanted: string) => {
  const target = selectRelease(computeHistory(revisions.map((s) => rev(s))), wanted, 'cluster app');
  return Object.values(target.families).map((r) => `${r.family}:${r.revision}`);
};

describe('computeHistory and selectRelease', () => {
  test.each([
    {
      name: 'previous is the release before the newest, every family of it',
      revisions: [
        'web:1@1[v1]+',
        'app-migrate:1@1[v1]',
        'web:2@2[v2]+',
        'app-migrate:2@2[v2]',
        'web:3@3[v3]+',
      ],
      wanted: 'previous',
      expected: ['app-migrate:2', 'web:2'],
    },
    {
      name: 'a family a release left unchanged keeps what the release before ran (one-off family too)',
      revisions: ['web:1@1[v1]+', 'worker:1@1[v1]+', 'app-migrate:1@1[v1]', 'web:2@2[v2]+', 'web:3@3[v3]+'],
      wanted: 'v2',
      expected: ['app-migrate:1', 'web:2', 'worker:1'],
    },
    {
      name: 'a failed release is skipped: previous of v3 is v1, and v3 keeps v1 revisions it did not change',
      revisions: ['web:1@1[v1]+', 'worker:1@1[v1]+', 'worker:2@2[v2]', 'web:2@3[v3]+'],
      wanted: 'previous',
      expected: ['web:1', 'worker:1'],
    },
    {
      name: 'untagged revisions (Terraform, by hand) are ignored',
      revisions: ['web:1@1[v1]+', 'web:2@2', 'web:3@3[v2]+'],
      wanted: 'previous',
      expected: ['web:1'],
    },
    {
      name: 'a named release, even the newest',
      revisions: ['web:1@1[v1]+', 'web:2@2[v2]+'],
      wanted: 'v2',
      expected: ['web:2'],
    },
    {
      name: 'order is registration time, not the id',
      revisions: ['web:1@1[b]+', 'web:2@2[a]+'],
      wanted: 'previous',
      expected: ['web:1'],
    },
  ])('$name', ({ revisions, wanted, expected }) => {
    expect(families(revisions, wanted).sort()).toEqual(expected);
  });

  test('releases newest first with what a user needs to pick one', () => {
    const history = computeHistory(['web:1@1[v1]+', 'web:2@2[v2]', 'web:3@3[v3]+'].map((s) => rev(s)));
    expect(history.releases.map((r) => [r.id, r.commit, r.actor, r.releasedAt])).toEqual([
      ['v3', 'v3-sha', 'alice', '2026-11-23T00:00:03.000Z'],
      ['v1', 'v1-sha', 'alice', '2026-11-23T00:00:01.000Z'],
    ]);
    expect(history.neverReleased).toEqual(['v2']);
  });

  test.each([
    {
      revisions: [],
      wanted: 'previous',
      error: /^Input "release": no release of cluster app has reached steady yet/,
    },
    { revisions: ['web:1@1[v1]+'], wanted: 'previous', error: /no previous release; the only one is v1\.$/ },
    {
      revisions: ['web:1@1[v1]+', 'web:2@2[v2]+'],
      wanted: 'v9',
      error:
        /^Input "release": release "v9" is not a release of cluster app; known releases, newest first: v2, v1\.$/,
    },
    {
      revisions: ['web:1@1[v1]+', 'web:2@2[v2]', 'web:3@3[v3]+'],
      wanted: 'v2',
      error: /release "v2" never reached steady \(its rollout failed\)/,
    },
  ])('one-line error for $wanted among $revisions', ({ revisions, wanted, error }) => {
    const history = computeHistory(revisions.map((s) => rev(s)));
    expect(() => selectRelease(history, wanted, 'cluster app')).toThrow(error);
  });

  test('a target with a deregistered revision is refused, naming it', () => {
    const history = computeHistory([rev('web:1@1[v1]+', 'INACTIVE'), rev('web:2@2[v2]+')]);
    expect(() => selectRelease(history, 'previous', 'cluster app')).toThrow(
      /release v1 needs web:1, deregistered \(INACTIVE\) since, by Terraform or a person/,
    );
  });
});
