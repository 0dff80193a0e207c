// Runs the CLI from source (tsx): `npm run dev`, and the tests that exercise the real command line.
import { main } from './main.ts';

process.exitCode = await main(process.argv.slice(2));
