// What `netspec train` shows while it runs: a cli-progress bar on a terminal (epoch, step,
// running loss and accuracy, samples/s, ETA), plain lines when stderr is not a terminal
// (every --log-every steps, else about every 2 s), and the confusion matrix of the summary.
import cliProgress from 'cli-progress';
import type { RunningMetrics } from '../../runtime/metrics.js';
import type { StepResult, Trainer } from '../../runtime/train.js';

export const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return h > 0 ? `${h}h ${String(m).padStart(2, '0')}m` : `${m}m ${String(r).padStart(2, '0')}s`;
}

const PLAIN_INTERVAL_MS = 2000;

export class Progress {
  private readonly start = performance.now();
  private bar: cliProgress.SingleBar | undefined;
  private lastLine = performance.now();
  private samples = 0;
  private readonly firstStep: number;
  /** An "evaluating…" note is on the terminal's current line. */
  private clearLine = false;

  constructor(
    private readonly trainer: Trainer,
    private readonly stream: NodeJS.WriteStream,
    private readonly logEvery?: number,
  ) {
    this.firstStep = trainer.step;
  }

  elapsedSeconds(): number {
    return (performance.now() - this.start) / 1000;
  }

  elapsedText(): string {
    const s = this.elapsedSeconds();
    return `${formatDuration(s)}, ${(this.samples / Math.max(s, 1e-9)).toFixed(1)} samples/s`;
  }

  private fields(r: StepResult) {
    const t = this.trainer;
    const s = this.elapsedSeconds();
    const rate = this.samples / Math.max(s, 1e-9);
    const stepsPerSecond = (r.step - this.firstStep) / Math.max(s, 1e-9);
    const eta = (t.totalSteps - r.step) / stepsPerSecond;
    const m = t.epochMetrics;
    return {
      epoch: `${r.epoch + 1}/${t.totalEpochs}`,
      loss: m.loss.toPrecision(4),
      acc: m.accuracy !== undefined ? pct(m.accuracy) : '—',
      rate: rate.toFixed(1),
      remaining: formatDuration(eta),
    };
  }

  step(r: StepResult): void {
    this.samples += r.n;
    const t = this.trainer;
    const f = this.fields(r);
    if (this.stream.isTTY) {
      if (!this.bar) {
        this.bar = new cliProgress.SingleBar(
          {
            stream: this.stream,
            format: 'epoch {epoch} |{bar}| {value}/{total} | loss {loss} | acc {acc} | {rate} samples/s | ETA {remaining}',
            hideCursor: true,
            clearOnComplete: true,
            fps: 5,
          },
          cliProgress.Presets.shades_classic,
        );
        // This epoch's steps within the run (a --steps run may end inside it).
        const total = Math.min(t.stepsPerEpoch, t.totalSteps - r.epoch * t.stepsPerEpoch);
        this.bar.start(total, r.stepInEpoch - 1, f);
      }
      this.bar.update(r.stepInEpoch, f);
      return;
    }
    const now = performance.now();
    const due = this.logEvery !== undefined ? r.step % this.logEvery === 0 : now - this.lastLine >= PLAIN_INTERVAL_MS;
    if (!due) return;
    this.lastLine = now;
    const acc = f.acc !== '—' ? ` acc ${f.acc}` : '';
    this.stream.write(
      `epoch ${f.epoch} step ${r.stepInEpoch}/${t.stepsPerEpoch} (${r.step}/${t.totalSteps}) loss ${f.loss}${acc} ${f.rate} samples/s ETA ${f.remaining}\n`,
    );
  }

  /** On a terminal, says what the pause after an epoch is (a whole pass over the test set). */
  evaluating(samples: number): void {
    this.pause();
    if (this.stream.isTTY) this.stream.write(`evaluating on ${samples.toLocaleString('en-US')} test samples…`);
    this.clearLine = this.stream.isTTY === true;
  }


  /** Removes the bar (before printing a line, and at the end); the next step starts a new one. */
  pause(): void {
    if (this.clearLine) {
      this.stream.write('\r\x1b[2K');
      this.clearLine = false;
    }
    if (this.bar) {
      this.bar.stop();
      this.bar = undefined;
    }
  }
}

/** Per-class accuracy and the confusion matrix (rows: true class, columns: predicted). */
export function formatConfusion(m: RunningMetrics, what: string): string {
  const C = m.classes;
  const per = m.perClassAccuracy();
  const lines = [`per-class accuracy (${what}): ` + per.map((a, c) => `${c}: ${Number.isNaN(a) ? '—' : pct(a)}`).join('  ')];
  if (C > 32) return lines[0]!;
  let max = 0;
  for (const v of m.confusion) max = Math.max(max, v);
  const w = Math.max(String(max).length, String(C - 1).length) + 1;
  lines.push(`confusion matrix (${what}; rows: true class, columns: predicted class):`);
  lines.push(' '.repeat(w + 1) + Array.from({ length: C }, (_, c) => String(c).padStart(w)).join(''));
  for (let t = 0; t < C; t++) {
    const row = Array.from({ length: C }, (_, p) => String(m.confusion[t * C + p]).padStart(w)).join('');
    lines.push(String(t).padStart(w) + ' ' + row);
  }
  return lines.join('\n');
}
