/** Where the CLI reads and writes: the process's streams in `main`, buffers in tests. */
export interface CliIo {
  readonly stdout: (chunk: string | Uint8Array) => void;
  readonly stderr: (text: string) => void;
  /** All of standard input, for `put KEY` without a value. */
  readonly readStdin: () => Promise<Uint8Array>;
}
