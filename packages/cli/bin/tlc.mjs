#!/usr/bin/env node
// The `tlc` command. The packages are TypeScript run through tsx, so there is no build step.
import { register } from 'tsx/esm/api';

register();
// `pnpm tlc …` runs this script from the workspace root; resolve the user's paths from where they
// typed the command instead (pnpm passes that folder as INIT_CWD).
if (process.env.npm_lifecycle_event === 'tlc' && process.env.INIT_CWD) process.chdir(process.env.INIT_CWD);
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv.slice(2));
