// `pnpm bench -- [flags]`: one load run against a running Flotilla or etcd cluster.
import { BENCH_USAGE, parseBenchArgs } from './bench-args.js';
import { createProgressPrinter } from './progress.js';
import { renderRunReport } from './report.js';
import { runLoad } from './run-load.js';
import { summarizeRun } from './run-summary.js';
import { UsageError } from './usage-error.js';
import { withoutLeadingSeparator } from './argv.js';

async function main(): Promise<number> {
  const command = parseBenchArgs(withoutLeadingSeparator(process.argv.slice(2)));
  if (command.kind === 'help') {
    process.stdout.write(`${BENCH_USAGE}\n`);
    return 0;
  }
  const { spec, json } = command.options;
  const progress = createProgressPrinter(`bench ${spec.target}`);
  const run = await runLoad(spec, { onProgress: (sample) => progress.update(sample), progressIntervalMs: progress.intervalMs });
  progress.finish();
  process.stdout.write(json ? `${JSON.stringify(summarizeRun(run), null, 2)}\n` : `${renderRunReport(run)}\n`);
  if (run.reads.answered + run.writes.answered === 0) {
    process.stderr.write('bench: no request was answered; see the errors above\n');
    return 1;
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`bench: ${error.message}\n(run with --help for the flags)\n`);
      process.exitCode = 2;
      return;
    }
    throw error;
  },
);
