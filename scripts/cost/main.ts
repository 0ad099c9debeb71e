/**
 * npm run cost -- [ad-hoc|prod] [--region R] [--environments N]
 * Prints the estimated cost of the example environments with the price table's date and sources.
 */
import { pathToFileURL } from 'node:url';
import { CostInputError, estimate, type Estimate } from '../../actions/lib/cost/estimate.ts';
import { adHoc, EXAMPLES, prod, type ExampleName } from '../../actions/lib/cost/examples.ts';
import { money } from '../../actions/lib/cost/markdown.ts';
import { loadPrices } from '../../actions/lib/cost/prices.ts';

export interface Options {
  examples: ExampleName[];
  region: string;
  environments: number;
}

export function parseArgs(argv: string[]): Options {
  const options: Options = { examples: [...EXAMPLES], region: 'us-east-1', environments: 1 };
  const chosen: ExampleName[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new CostInputError(`${arg}: needs a value`);
      return v;
    };
    if (arg === '--region') options.region = value();
    else if (arg === '--environments') {
      const raw = value();
      const n = Number(raw);
      if (!Number.isInteger(n) || n < 1)
        throw new CostInputError(`--environments: must be a whole number >= 1, got "${raw}"`);
      options.environments = n;
    } else if ((EXAMPLES as readonly string[]).includes(arg)) chosen.push(arg as ExampleName);
    else
      throw new CostInputError(
        `example: unknown "${arg}" (choose ${EXAMPLES.join(' or ')}, --region, --environments)`,
      );
  }
  if (chosen.length > 0) options.examples = chosen;
  return options;
}

function text(e: Estimate, shareNote: string): string {
  const c = e.currency;
  const pad = (s: string, n: number): string => s.padEnd(n);
  const amount = (x: number): string => money(x, c).padStart(12);
  const out = [
    `${e.environment} in ${e.region}`,
    `  ${pad('', 76)}${'per day'.padStart(12)}  ${'per month'.padStart(12)}`,
  ];
  const section = (kind: 'environment' | 'shared'): void => {
    for (const l of e.lines.filter((x) => x.kind === kind)) {
      out.push(`  ${pad(`${l.item}: ${l.detail}`, 76)}${amount(l.daily)}  ${amount(l.monthly)}`);
    }
  };
  section('environment');
  out.push(
    `  ${pad('= this environment', 76)}${amount(e.environmentTotal.daily)}  ${amount(e.environmentTotal.monthly)}`,
  );
  section('shared');
  out.push(
    `  ${pad(`= share of the shared stack ${shareNote}`, 76)}${amount(e.sharedTotal.daily)}  ${amount(e.sharedTotal.monthly)}`,
  );
  out.push(`  ${pad('= total', 76)}${amount(e.total.daily)}  ${amount(e.total.monthly)}`);
  out.push('  usage-based, not estimated:', ...e.usageBased.map((u) => `    - ${u}`));
  return out.join('\n');
}

export function run(argv: string[]): string {
  const options = parseArgs(argv);
  const table = loadPrices();
  const blocks = options.examples.map((name) => {
    const env = name === 'prod' ? prod(options.region) : adHoc(options.region, options.environments);
    const n = env.shared.environments;
    return text(
      estimate(env, table),
      name === 'prod' ? '(its own)' : `(split over ${n} environment${n === 1 ? '' : 's'})`,
    );
  });
  const unconfirmed = table.regions[options.region]?.unconfirmed ?? [];
  return [
    `Estimated cost from list prices of ${table.date} (${table.currency}, ${table.hoursPerMonth} h/month).`,
    ...blocks,
    ...(unconfirmed.length > 0
      ? [`Not confirmed against a published source for ${options.region}: ${unconfirmed.join(', ')}.`]
      : []),
    'Notes:',
    ...table.notes.map((n) => `  - ${n}`),
    'Sources:',
    ...table.sources.map((s) => `  - ${s}`),
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    console.log(run(process.argv.slice(2)));
  } catch (error) {
    if (!(error instanceof CostInputError)) throw error;
    console.error(`cost: ${error.message}`);
    process.exitCode = 1;
  }
}
