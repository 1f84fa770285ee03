// The NaN guard's error: a non-finite loss stops the stage, naming where it happened.
export class TrainingDiverged extends Error {
  constructor(
    readonly stage: string,
    readonly epoch: number,
    readonly batch: number,
    readonly learningRate: number,
  ) {
    super(
      `the loss became NaN or infinite in stage \`${stage}\`, epoch ${epoch}, batch ${batch}. ` +
        `Training stopped; the last good checkpoint is kept. Try a lower learning rate (now ${learningRate}, e.g. ${learningRate / 10}).`,
    );
    this.name = 'TrainingDiverged';
  }
}
