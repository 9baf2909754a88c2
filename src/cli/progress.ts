/**
 * A one-line progress display on a terminal; silent when stderr is not a terminal (pipes, CI,
 * log files), so scripted runs stay quiet.
 */
export class ProgressLine {
  readonly #enabled: boolean;
  #last = 0;
  #shown = false;

  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly intervalMs = 100,
  ) {
    this.#enabled = stream.isTTY === true;
  }

  update(text: () => string): void {
    if (!this.#enabled) return;
    const now = Date.now();
    if (now - this.#last < this.intervalMs) return;
    this.#last = now;
    this.stream.write(`\r\x1b[2K${text()}`);
    this.#shown = true;
  }

  done(): void {
    if (this.#shown) this.stream.write('\r\x1b[2K');
    this.#shown = false;
  }
}
