import { runCli } from './run-cli.js';

const readStdin = async (): Promise<Uint8Array> => {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

// The exit code is set, not forced with process.exit, so stdout drains fully into a pipe first.
process.exitCode = await runCli(process.argv.slice(2), process.env, {
  stdout: (chunk) => process.stdout.write(chunk),
  stderr: (text) => process.stderr.write(text),
  readStdin,
});
