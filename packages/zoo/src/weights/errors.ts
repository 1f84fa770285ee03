// The one error type the weights code throws for people: a download that failed, a file that
// cannot be read. Its message is complete and meant to be printed as is (no stack trace).
export class WeightsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WeightsError';
  }
}
