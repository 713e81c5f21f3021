// `npm run bench` (after `npm run build`): loads the TypeScript benchmarks through
// esbuild-register and runs bench/main.ts, which spawns the built server (dist/server.js) and
// prints every performance target with its limit, the measured median and the ratio.
// Arguments are passed on: npm run bench -- --quick | --only a,c | --profile DIR | --json FILE
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
require('esbuild-register/dist/node').register({ target: 'node20' });
const { main } = require('./main.ts');

await main(process.argv.slice(2));
