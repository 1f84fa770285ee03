// The terminal progress bar draws on a TTY only, with the bar, percentage and amounts.
import { describe, expect, it } from 'vitest';
import { createProgressBar } from '../../src/weights/index';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, write: (s: string) => writes.push(s) } as unknown as NodeJS.WriteStream };
}

describe('createProgressBar', () => {
  it('draws the bar with percentage and sizes on a TTY, and ends the line on finish', () => {
    const { writes, stream } = fakeStream(true);
    const bar = createProgressBar('weights', { stream, unit: 'bytes', width: 10 });
    bar.update(2_500_000, 10_000_000);
    bar.update(10_000_000, 10_000_000);
    bar.finish();
    expect(writes[0]).toBe('\rweights [###.......]  25%  2.5/10.0 MB\x1b[K');
    expect(writes.at(-2)).toBe('\rweights [##########] 100%  10.0/10.0 MB\x1b[K');
    expect(writes.at(-1)).toBe('\n');
  });

  it('shows just the amount when the total is unknown', () => {
    const { writes, stream } = fakeStream(true);
    const bar = createProgressBar('items', { stream });
    bar.update(42);
    expect(writes[0]).toBe('\ritems  42\x1b[K');
  });

  it('writes nothing when the stream is not a terminal', () => {
    const { writes, stream } = fakeStream(false);
    const bar = createProgressBar('weights', { stream });
    bar.update(1, 2);
    bar.finish();
    expect(writes).toEqual([]);
  });
});
