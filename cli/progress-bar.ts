// A one-line progress bar on stderr (only when stderr is a terminal; otherwise periodic lines).
export class ProgressBar {
  private lastLineMs = 0;
  private readonly startedMs = Date.now();

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {}

  update(done: number, total: number, detail: string): void {
    const now = Date.now();
    const interactive = this.stream.isTTY === true;
    if (now - this.lastLineMs < (interactive ? 100 : 5_000)) return;
    this.lastLineMs = now;
    const fraction = total > 0 ? Math.min(1, done / total) : 0;
    const width = 30;
    const filled = Math.round(fraction * width);
    const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ${detail} ${((now - this.startedMs) / 1000).toFixed(1)}s`;
    this.stream.write(interactive ? `\r${line}` : `${line}\n`);
  }

  finish(message: string): void {
    this.stream.write(`${this.stream.isTTY === true ? '\r\x1b[K' : ''}${message}\n`);
  }
}
