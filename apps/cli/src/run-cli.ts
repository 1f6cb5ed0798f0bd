import { CompareFailedError, Flotilla, FlotillaError, NotFoundError, UnknownOutcomeError } from '@flotilla/client';
import { parseCommandLine } from './command-line.js';
import type { CommandLine } from './command-line.js';
import type { CliIo } from './cli-io.js';
import { runEndpointHealth, runStatus } from './cluster-commands.js';
import { EXIT } from './exit-codes.js';
import type { ExitCode } from './exit-codes.js';
import { runKvCommand } from './kv-commands.js';
import { USAGE } from './usage.js';
import { UsageError } from './usage-error.js';

const usageFailure = (io: CliIo, message: string): ExitCode => {
  io.stderr(`flotilla: ${message}\nRun 'flotilla --help' for usage.\n`);
  return EXIT.USAGE;
};

/** The exit code for an error a command ended with, and what stderr says about it. */
const failure = (io: CliIo, error: unknown): ExitCode => {
  const message = error instanceof Error ? error.message : String(error);
  io.stderr(`flotilla: ${message}\n`);
  if (error instanceof CompareFailedError) return EXIT.COMPARE_FAILED;
  if (error instanceof NotFoundError) return EXIT.NOT_FOUND;
  if (error instanceof UnknownOutcomeError) return EXIT.UNKNOWN_OUTCOME;
  if (error instanceof FlotillaError || error instanceof UsageError) return EXIT.ERROR;
  throw error; // a bug, not an outcome: let it crash with its stack
};

const runCommand = async (client: Flotilla, { command, flags }: CommandLine, io: CliIo): Promise<ExitCode> => {
  switch (command.name) {
    case 'help':
      io.stdout(USAGE);
      return EXIT.OK;
    case 'status':
      return runStatus(client, flags.output, io);
    case 'endpoint-health':
      return runEndpointHealth(client, flags.output, io);
    default:
      return runKvCommand(client, command, flags.output, io);
  }
};

/** Runs one `flotilla` command line to its exit code. */
export const runCli = async (argv: readonly string[], env: Readonly<Record<string, string | undefined>>, io: CliIo): Promise<ExitCode> => {
  let commandLine: CommandLine;
  let client: Flotilla;
  try {
    commandLine = parseCommandLine(argv, env);
    client = new Flotilla({ endpoints: commandLine.flags.endpoints, requestTimeoutMs: commandLine.flags.commandTimeoutMs });
  } catch (error) {
    if (error instanceof UsageError || (error instanceof FlotillaError && error.code === 'bad_endpoint')) return usageFailure(io, error.message);
    throw error;
  }
  try {
    return await runCommand(client, commandLine, io);
  } catch (error) {
    return failure(io, error);
  } finally {
    await client.close();
  }
};
