// The self-test's server process: `node sink-main.js PORT`. Its parent launches and stops it
// like any benchmarked server.
import { startHttpSink } from './http-sink.js';

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new Error(`sink-main: bad port '${process.argv[2]}'`);
await startHttpSink(port);
