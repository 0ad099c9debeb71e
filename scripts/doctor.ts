/**
 * npm run doctor -- --repository acme/webapp --preview-role arn:… --production-role arn:…
 *   --plan-role arn:… --build-role arn:… --state-bucket acme-terraform-state --hosted-zone-id Z… --domain dev.example.com
 *   [--github-token …] [--aws-region us-east-1]
 *
 * The doctor action run from a terminal, with your own AWS credentials (the SDK's default
 * chain) and a GitHub token: the bundle, with each --name value as its input.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const inputs: Record<string, string> = {};
for (let i = 0; i < args.length; i++) {
  const name = /^--([a-z-]+)$/.exec(args[i]!)?.[1];
  if (!name || args[i + 1] === undefined) {
    console.error(`doctor: expected --<input> <value>, got ${args[i]}`);
    process.exit(2);
  }
  inputs[`INPUT_${name.toUpperCase()}`] = args[++i]!;
}
const child = spawn(process.execPath, [join(ROOT, 'dist/doctor/index.js')], {
  stdio: 'inherit',
  env: {
    ...process.env,
    ...inputs,
    'INPUT_GITHUB-TOKEN': inputs['INPUT_GITHUB-TOKEN'] ?? process.env['GITHUB_TOKEN'] ?? '',
  },
});
child.on('close', (code) => process.exit(code ?? 1));
