// The process a github-script stand-in step runs: see github-script.ts.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';

const [scriptFile, callsFile] = process.argv.slice(2) as [string, string];
const calls: { method: string; params: unknown }[] = [];
let nextId = 1000;

/** A plausible answer: lists are empty, everything else is an object with an id. */
function answer(method: string, params: Record<string, unknown>): { status: number; data: unknown } {
  const name = method.split('.').pop() ?? '';
  if (/^list|^get.*s$/.test(name)) return { status: 200, data: [] };
  return { status: name.startsWith('create') ? 201 : 200, data: { id: nextId++, ...params } };
}

function rest(path: string[]): unknown {
  return new Proxy(() => undefined, {
    get: (_, key) => (typeof key === 'string' ? rest([...path, key]) : undefined),
    apply: async (_, __, [params = {}]: [Record<string, unknown>?]) => {
      const method = path.join('.');
      calls.push({ method, params });
      return answer(method, params);
    },
  });
}

const github = {
  rest: rest(['rest']),
  request: async (route: string, params: unknown) => {
    calls.push({ method: `request ${route}`, params });
    return { status: 200, data: {} };
  },
  paginate: async (fn: (p: unknown) => Promise<{ data: unknown }>, params: unknown) => {
    const { data } = await fn(params);
    return Array.isArray(data) ? data : [data];
  },
  graphql: async (query: string, params: unknown) => {
    calls.push({ method: 'graphql', params: { query, ...(params as object) } });
    return {};
  },
};
const env = process.env;
const [owner, repo] = (env['GITHUB_REPOSITORY'] ?? 'acme/blog').split('/');
const context = {
  repo: { owner, repo },
  sha: env['GITHUB_SHA'],
  ref: env['GITHUB_REF'],
  eventName: env['GITHUB_EVENT_NAME'],
  payload: JSON.parse(readFileSync(env['GITHUB_EVENT_PATH']!, 'utf8')) as unknown,
  runId: Number(env['GITHUB_RUN_ID']),
  runNumber: Number(env['GITHUB_RUN_NUMBER']),
  actor: env['GITHUB_ACTOR'],
  job: env['GITHUB_JOB'],
  workflow: env['GITHUB_WORKFLOW'],
  serverUrl: env['GITHUB_SERVER_URL'],
  apiUrl: env['GITHUB_API_URL'],
  issue: { owner, repo, number: 0 },
};
const setOutput = (name: string, value: unknown) => {
  const delimiter = `ghadelimiter_${randomUUID()}`;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  appendFileSync(env['GITHUB_OUTPUT']!, `${name}<<${delimiter}\n${text}\n${delimiter}\n`);
};
const core = {
  setOutput,
  info: (m: string) => console.log(m),
  warning: (m: string) => console.log(`::warning::${m}`),
  error: (m: string) => console.log(`::error::${m}`),
  setFailed: (m: string) => {
    console.log(`::error::${m}`);
    process.exitCode = 1;
  },
  exportVariable: (name: string, value: string) => appendFileSync(env['GITHUB_ENV']!, `${name}=${value}\n`),
  getInput: () => '',
  summary: { addRaw: () => core.summary, write: async () => undefined },
};
const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (
  ...args: string[]
) => (...values: unknown[]) => Promise<unknown>;
try {
  const fn = new AsyncFunction('github', 'context', 'core', 'require', readFileSync(scriptFile, 'utf8'));
  const result = await fn(github, context, core, () => {
    throw new Error('require() is not available in the rehearsal');
  });
  if (result !== undefined)
    setOutput('result', env['RESULT_ENCODING'] === 'string' ? String(result) : result);
} catch (error) {
  console.log(`::error::Unhandled error: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  writeFileSync(callsFile, JSON.stringify(calls));
}
