// Keras's automatic layer names (`conv2d`, `conv2d_1`, `conv2d_2`, …): where a Keras application
// leaves a layer unnamed, Keras names it after its class, numbered in creation order from a
// fresh session. Builders create one namer per model and take the names in Keras's creation
// order, so the layers get exactly Keras's names.

/** Hands out Keras's automatic names, one counter per base name. */
export class KerasAutoNames {
  private readonly used = new Map<string, number>();

  /** The next automatic name for `base`: `base` the first time, then `base_1`, `base_2`, … */
  next(base: string): string {
    const count = this.used.get(base) ?? 0;
    this.used.set(base, count + 1);
    return count === 0 ? base : `${base}_${count}`;
  }
}
