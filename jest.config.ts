import type { Config } from 'jest';

// Type checking is `tsc --noEmit`'s job; ts-jest only strips types, and keeps the `.ts` import
// specifiers (Node 24 and ncc resolve them as written).
const tsJest = {
  '^.+\\.ts$': [
    'ts-jest',
    {
      useESM: true,
      transpilation: true,
      tsconfig: { rewriteRelativeImportExtensions: false, allowImportingTsExtensions: true },
    },
  ],
} satisfies Config['transform'];

const common = {
  extensionsToTreatAsEsm: ['.ts'],
  transform: tsJest,
  testEnvironment: 'node',
} satisfies Config;

export default {
  // Most integration tests wait on servers and child processes, not on the CPU: four workers
  // keep two cores busy. The timeout only catches a hang; no test measures time.
  maxWorkers: 4,
  testTimeout: 180_000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/actions/**/*.test.ts', '<rootDir>/scripts/**/*.test.ts'],
    },
    // The simulator's own tests: the emulator's IAM, protocols and fixtures.
    {
      ...common,
      displayName: 'simulator',
      testMatch: ['<rootDir>/simulator/**/*.test.ts'],
    },
    // Integration tests run real processes against servers; a shared 2-core machine needs slack.
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
    },
  ],
} satisfies Config;
