#!/usr/bin/env node
// The CLI is compiled from compiler/ by `npm ci` (the `prepare` script runs tsc into dist/).
import { main } from '../dist/compiler/cli.js';
process.exitCode = await main(process.argv.slice(2));
