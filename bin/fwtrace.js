#!/usr/bin/env node
// Guard the runtime, then hand over to the compiled CLI, which owns the exit code.
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`fwtrace needs Node.js >= 20.19 (found ${process.version})`);
  process.exit(1);
}
const { main } = await import('../dist/cli/main.js');
process.exitCode = await main(process.argv);
