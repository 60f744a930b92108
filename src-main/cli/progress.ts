/**
 * Terminal progress for long jobs: a live bar on an interactive terminal, one plain line per epoch
 * otherwise (logs, CI), both on stderr so stdout stays clean for results.
 */
import { SingleBar } from 'cli-progress';
import type { EpochRecord } from '../engine/run-folder/index';
import type { TrainingEvent } from '../engine/train/run-training';

function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '…';
  const s = Math.round(seconds);
  return s >= 3600
    ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
    : s >= 60
      ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
      : `${s}s`;
}

function headline(record: EpochRecord | undefined): string {
  if (!record) return '';
  const { train, val } = record.loss;
  const parts = [train !== undefined ? `loss ${train.toFixed(4)}` : '', val !== undefined ? `val ${val.toFixed(4)}` : ''];
  return parts.filter(Boolean).join('  ');
}

export function trainingProgress(stream: NodeJS.WriteStream = process.stderr): { onEvent: (e: TrainingEvent) => void; stop: () => void } {
  const interactive = Boolean(stream.isTTY) && !process.env.CI;
  let bar: SingleBar | undefined;
  return {
    onEvent(e) {
      if (e.type === 'status') {
        if (bar) bar.stop();
        bar = undefined;
        stream.write(`${e.message}\n`);
        return;
      }
      if (e.type !== 'progress') return;
      const p = e.progress;
      const epochLabel = `epoch ${p.epoch + 1}/${p.epochs}`;
      if (!interactive) {
        if (p.type === 'epoch')
          stream.write(`${epochLabel}  ${headline(p.record)}  ${Math.round(p.samplesPerSecond)} samples/s  ETA ${formatEta(p.etaSeconds)}\n`);
        return;
      }
      if (!bar) {
        bar = new SingleBar({
          format: '{epoch} [{bar}] {value}/{total} batches  {rate} samples/s  ETA {eta_text}  {logs}',
          stream,
          hideCursor: true,
          clearOnComplete: false,
        });
        bar.start(p.batches, 0, { epoch: epochLabel, rate: 0, eta_text: '…', logs: '' });
      }
      bar.setTotal(p.batches);
      bar.update(p.batch, {
        epoch: epochLabel,
        rate: Math.round(p.samplesPerSecond),
        eta_text: formatEta(p.etaSeconds),
        logs: p.type === 'epoch' ? headline(p.record) : '',
      });
    },
    stop() {
      bar?.stop();
    },
  };
}
