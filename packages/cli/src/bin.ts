import { main } from './main.js';
import { nodeIo } from './node-io.js';

// A closed pipe (`safety-net vectors | head`) ends the output quietly instead of with an unhandled error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', () => {
    process.exit(process.exitCode ?? 1);
  });
}

process.exitCode = await main(process.argv.slice(2), nodeIo());
