import { Presets, SingleBar } from 'cli-progress';

/** A progress bar per phase (cli-progress), or plain log lines when the output is not a terminal. */
export class BenchProgress {
  private bar: SingleBar | undefined;

  constructor(private readonly enabled: boolean) {}

  begin(phase: string, total: number): void {
    this.end();
    if (!this.enabled) {
      process.stderr.write(`bench: ${phase} (${total})\n`);
      return;
    }
    this.bar = new SingleBar(
      { format: `${phase.padEnd(34)} [{bar}] {value}/{total} {duration_formatted}`, hideCursor: true },
      Presets.shades_classic,
    );
    this.bar.start(total, 0);
  }

  update(value: number): void {
    this.bar?.update(value);
  }

  end(): void {
    this.bar?.stop();
    this.bar = undefined;
  }

  log(message: string): void {
    this.end();
    process.stderr.write(`bench: ${message}\n`);
  }
}
