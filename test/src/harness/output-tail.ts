/** Enough of a node's log to see what led up to a failure, without holding a whole run in memory. */
const DEFAULT_MAX_CHARS = 256 * 1024;

/** The most recent lines a process wrote, up to a bound in characters; older lines fall off. */
export class OutputTail {
  private readonly lines: string[] = [];
  private chars = 0;
  private droppedLines = 0;

  constructor(private readonly maxChars = DEFAULT_MAX_CHARS) {}

  append(line: string): void {
    this.lines.push(line);
    this.chars += line.length + 1;
    while (this.chars > this.maxChars && this.lines.length > 1) {
      const dropped = this.lines.shift() as string;
      this.chars -= dropped.length + 1;
      this.droppedLines++;
    }
  }

  /** Lines that contain `text`, among those still held. */
  linesContaining(text: string): string[] {
    return this.lines.filter((line) => line.includes(text));
  }

  toString(): string {
    const dropped = this.droppedLines === 0 ? '' : `[${this.droppedLines} earlier lines dropped]\n`;
    return dropped + this.lines.join('\n');
  }
}
