// Phase 7, export (+ predict): the trained model exported to the run folder's model/ (and to the
// plan's `export` path), then the plan's `predict` folder classified into predictions.json.
import { join, resolve } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { exportModel } from '../../export/export';
import { exportOnnxModel } from '../../export/onnx';
import { predictFiles } from '../../export/predict';
import { writeJsonAtomic } from '../atomic';
import type { RunContext } from '../context';
import { RUN_FILES } from '../run-folder';

/** Exports and predicts; returns the `export` path, or null when the plan has none. */
export async function exportRun(run: RunContext, model: tf.LayersModel, classNames: string[]): Promise<string | null> {
  const { plan, options, log, runDir, guard } = run;
  await guard.whileWriting(() => exportModel(model, plan, classNames, join(runDir, RUN_FILES.model)));
  let exported: string | null = null;
  if (plan.export) {
    const path = resolve(options.baseDir, plan.export.path);
    exported = path;
    const onnx = plan.export.format === 'onnx';
    await guard.whileWriting(() => (onnx ? exportOnnxModel : exportModel)(model, plan, classNames, path));
    log.line(`exported the model${onnx ? ' as ONNX' : ''} to ${exported}`);
  }
  if (plan.predict) {
    const predictions = await predictFiles(model, plan, classNames, [resolve(options.baseDir, plan.predict.directory)]);
    writeJsonAtomic(join(runDir, RUN_FILES.predictions), predictions);
    for (const p of predictions) log.line(`predict ${p.file}: ${p.label} (${(Math.max(...Object.values(p.probabilities)) * 100).toFixed(1)}%)`);
  }
  return exported;
}
