import type { Run } from '../engine.ts';
import { checkout } from './checkout.ts';
import { configureAwsCredentials, ecrLogin } from './aws.ts';
import { setupTerraform } from './setup-terraform.ts';
import { downloadArtifact, uploadArtifact } from './artifacts.ts';
import { githubScript } from './github-script.ts';
import { dockerBuildPush, dockerNoop } from './docker.ts';
import { setupK6 } from './k6.ts';
import { attestBuildProvenance } from './attest.ts';

export interface StandInContext {
  with: Record<string, string>;
  /** The step's process environment (the runner's variables and the env context). */
  env: Record<string, string>;
  workspace: string;
  workingDirectory: string;
  run: Run;
  /** A line of the step's log (workflow commands like ::error:: work). */
  print: (line: string) => void;
}

export interface StandIn {
  /** What it does instead of the real action, shown in the log. */
  describe: string;
  /** Returns whether the step succeeded; writes outputs/env/path to GITHUB_* files like an action. */
  run: (context: StandInContext) => Promise<boolean>;
}

const STAND_INS: Record<string, StandIn> = {
  'actions/checkout': checkout,
  'aws-actions/configure-aws-credentials': configureAwsCredentials,
  'aws-actions/amazon-ecr-login': ecrLogin,
  'hashicorp/setup-terraform': setupTerraform,
  'actions/upload-artifact': uploadArtifact,
  'actions/download-artifact': downloadArtifact,
  'actions/github-script': githubScript,
  'docker/build-push-action': dockerBuildPush,
  'docker/login-action': dockerNoop,
  'docker/setup-buildx-action': dockerNoop,
  'grafana/setup-k6-action': setupK6,
  'actions/attest-build-provenance': attestBuildProvenance,
};

/** The stand-in for `owner/repo[/path]@ref` (any ref), or undefined. */
export function standIn(uses: string): StandIn | undefined {
  return STAND_INS[uses.replace(/@.*$/, '')];
}
