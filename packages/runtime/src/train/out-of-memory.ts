// Running out of memory during training (GPU, WebAssembly heap or JavaScript): recognised by the
// messages TensorFlow, tfjs-backend-wasm and V8 give, and turned into a message for people that
// names the batch size and suggests a smaller one.
import { RunError, runtimeMessages } from '../messages';

const OUT_OF_MEMORY = [
  /\bOOM\b/,
  /ResourceExhausted/i,
  /out of memory/i,
  /could not allocate memory/i,
  /Cannot enlarge memory/i,
  /Array buffer allocation failed/i,
  /Invalid typed array length/i,
  /Failed to allocate/i,
];

export function isOutOfMemory(error: unknown): boolean {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return OUT_OF_MEMORY.some((pattern) => pattern.test(message));
}

/** TL4205: the stage ran out of memory at this batch size. */
export function outOfMemory(stage: string, batchSize: number, error: unknown): RunError {
  const detail = (error instanceof Error ? error.message : String(error)).split('\n')[0];
  return new RunError(runtimeMessages.outOfMemory(stage, batchSize, detail));
}
