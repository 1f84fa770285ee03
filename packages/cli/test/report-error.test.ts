// Run-time errors are data ({code, message, help}) rendered in one place: rustc's form for people,
// one JSON object for --json.
import { describe, expect, it } from 'vitest';
import { planMessages } from '@tlc/plan';
import { RunError, runtimeMessages } from '../../runtime/src/messages';
import { isCodedMessage, renderCodedPretty, renderErrorJson } from '../src/report-error';

describe('rendering a run-time error', () => {
  it('prints error[CODE]: message, then the help line when there is one', () => {
    const error = new RunError(runtimeMessages.backendFailed('wasm', '  wasm: no SIMD'));
    expect(renderCodedPretty(error)).toBe('error[TL4301]: the wasm backend could not be started:\n  wasm: no SIMD\nhelp: Run with --backend auto to fall back to another backend.\n');
    expect(renderCodedPretty(new RunError(runtimeMessages.specWithoutData()))).toBe(
      'error[TL4204]: the plan has no `data` statement (a model spec): give the image folder with --data DIR\n',
    );
    expect(renderCodedPretty(planMessages.notRunnable('p.json', [{ path: '/version', message: 'must be 1' }]))).toMatch(/^error\[TL3101\]: p\.json is not a plan this tlc can run:\n {2}\S/);
  });

  it('gives --json one object with the code, the message and the help', () => {
    const error = new RunError(runtimeMessages.trunkNotOnOnnx('no session'));
    expect(isCodedMessage(error)).toBe(true);
    expect(JSON.parse(renderErrorJson(error))).toEqual({
      error: { code: 'TL4310', message: 'the frozen trunk cannot run on onnxruntime: no session', help: 'Run with --trunk auto to fall back to tfjs.' },
    });
    expect(isCodedMessage(new Error('plain'))).toBe(false);
  });
});
