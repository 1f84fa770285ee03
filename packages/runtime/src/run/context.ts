// What a run's phases share: the plan, the options it runs with (a resumed run's own), where
// it prints, its folder, and the guard that holds a signal back while the folder is written.
import type { Plan } from '@tlc/plan';
import type { BackendPreference } from '../backend/index';
import type { TrunkRuntime } from '../onnx/trunk-runtime';
import type { InterruptGuard } from './interrupt';
import type { RunLog } from './progress';

export interface RunOptions {
  /** The folder the plan's relative paths are relative to. */
  baseDir: string;
  /** `--data DIR`: the training folder (required when the plan has no data). */
  data?: string;
  /** `--out DIR`: the run folder. */
  out?: string;
  /** `--epochs N`: overrides every stage's epoch count. */
  epochs?: number;
  backend?: BackendPreference;
  /** `--trunk auto|onnx|tfjs`: what runs the frozen trunk (default auto: onnxruntime when it loads). */
  trunk?: TrunkRuntime;
  log?: RunLog;
  /** Continue the run in this folder from its last completed epoch (`--resume RUN_DIR`). */
  resume?: string;
  /** Feature caches larger than this go to disk under the run folder (default 1 GiB, at most the memory share). */
  memoryCacheBytes?: number;
  /**
   * The share of this machine's memory decoded images may take (default: `TLC_MEMORY_SHARE`, else
   * 0.6); larger sets are streamed from the pixel cache on disk.
   */
  memoryShare?: number;
  /** The pixel cache folder (default `$TLC_HOME/pixels`, else `~/.cache/tlc/pixels`). */
  pixelCacheDir?: string;
  /** `--engine`: what trains the stages (default tfjs, the reference; torch: PyTorch, under torchrun for several processes). */
  engine?: 'tfjs' | 'torch';
  /** `--nproc N`: the torch engine's processes on this machine (default 1). */
  nproc?: number;
  /** `--import JOB_DIR`: with the torch engine, take an emitted job's trained weights instead of training. */
  importJob?: string;
  /** `--device cpu|cuda`: the torch engine's device (default cpu). */
  device?: 'cpu' | 'cuda';
  /** Aborted to stop the run as SIGINT does, cleanly and resumably (the CLI: its output was closed). */
  stop?: AbortSignal;
  /** Where the line saying how the run stopped goes (default: stderr). */
  say?: (line: string) => void;
  /** The `.tl` source the plan came from, highlighted as HTML (by the CLI), shown in report.html. */
  source?: { file: string; html: string };
}

export interface RunContext {
  plan: Plan;
  options: RunOptions;
  log: RunLog;
  runDir: string;
  guard: InterruptGuard;
}
