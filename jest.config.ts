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
  // Integration tests run real processes against servers; a shared 2-core machine needs slack.
  testTimeout: 60_000,
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
      testTimeout: 60_000,
    },
  ],
} satisfies Config;
