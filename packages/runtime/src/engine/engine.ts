// The seam between a run and the engine that trains it. A run (run/run-plan.ts) does everything
// engine-independent: the backend, the data (scanned, split, decoded), the run folder and its
// checkpoints, resume, the assembled model and its starting weights, evaluation, export, the
// report. For each stage of the plan it hands the engine one StageJob and gets the stage's
// epochs back through StageEvents; when trainStage returns, the model holds the stage's best
// weights. The tfjs engine (engines/tfjs/) is the default and the reference; another engine is
// another folder behind this interface, and touches no other part of a run.
import type * as tf from '@tensorflow/tfjs';
import type { DataPlan, Plan, StagePlan } from '@tlc/plan';
import type { ImageDataset } from '../data/dataset';
import type { TrunkRuntime } from '../onnx/trunk-runtime';
import type { TrackerState } from '../train/early-stopping';
import type { PlateauState } from '../train/schedule';

export interface TrainingEngine {
  /** How the run names the engine. */
  readonly name: string;
  /**
   * True when a stage never changes the weights of its frozen layers (their BatchNormalization
   * statistics included): the run then keeps them once per stage instead of in every checkpoint.
   */
  readonly frozenWeightsStay?: boolean;
  /** Trains one stage from the model's current weights; returns with the stage's best weights in the model. */
  trainStage(job: StageJob, events: StageEvents): Promise<StageOutcome>;
}

/** One stage to train, with everything the run knows that the engine may need. */
export interface StageJob {
  plan: Plan;
  /** The stage's index in plan.stages, and the stage. */
  index: number;
  stage: StagePlan;
  /** Its epoch count (`--epochs`, else the stage's). */
  epochs: number;
  /**
   * The run's model (zoo backbone, weights and head, as assembled from the plan): the stage starts
   * from its weights, and the engine leaves the stage's best weights in it.
   */
  model: tf.LayersModel;
  /** The backbone's layer names (freezing and batch-norm modes apply to these). */
  backboneLayers: ReadonlySet<string>;
  /** The data statement (seed, shuffle, augmentation) and the decoded images with their files and labels. */
  data: { plan: DataPlan; classes: string[]; training: ImageDataset; validation: ImageDataset | null };
  /** The run folder: an engine's scratch files (a feature cache on disk) go under it. */
  runDir: string;
  /** `--trunk auto|onnx|tfjs`, for an engine that runs the frozen trunk apart. */
  trunk: TrunkRuntime;
  /** Feature caches larger than this go to disk under the run folder (default: the engine's). */
  memoryCacheBytes?: number;
  /** Continue the stage a previous run left after `state.completedEpochs` epochs. */
  resume: StageResume | null;
}

export interface StageResume {
  state: StageState;
  /**
   * Reads the stage's best weights so far (null when none were saved), in model.weights order as
   * it is when called: freezing reorders it, so an engine calls this once the model is frozen.
   */
  best: (() => Promise<tf.Tensor[]>) | null;
  /** The optimizer's state as the engine last handed it back (EpochCheckpoint.optimizer), when kept. */
  optimizer: Uint8Array | null;
}

export interface StageEvents {
  /** A line for the run's log (what the stage's trunk is, notes, warnings). */
  line(text: string): void;
  batch(progress: BatchProgress): void;
  /** After each epoch, with the epoch's weights in the model; the next epoch waits for it. */
  epoch(checkpoint: EpochCheckpoint): Promise<void>;
}

/** What an epoch hands the run: enough, with the model's weights, to continue the stage exactly. */
export interface EpochCheckpoint {
  record: EpochRecord;
  /** Whether this epoch is the best of the stage so far. */
  best: boolean;
  state: StageState;
  /** The optimizer's state, in the engine's own encoding, given back on resume. */
  optimizer: Uint8Array;
}

export interface StageOutcome extends StageResult {
  /** What ran the stage's frozen trunk, for the log and the report. */
  trunk: string;
  /** Images that went through the frozen trunk (with the feature cache: each once). */
  trunkImages: number;
  /** The backend the stage trained on, when the engine had to change it. */
  backend: string | null;
}

export interface EpochRecord {
  stage: string;
  /** 1-based within the stage. */
  epoch: number;
  loss: number;
  accuracy: number;
  val_loss: number | null;
  val_accuracy: number | null;
  /** The learning rate of the epoch's last step (records of runs before schedules have none). */
  lr?: number;
  seconds: number;
  imagesPerSecond: number;
}

export interface BatchProgress {
  stage: string;
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  loss: number;
  accuracy: number;
  images: number;
  seconds: number;
}

/** Where a stage stands after an epoch: with the optimizer's state, enough to continue it exactly. */
export interface StageState {
  completedEpochs: number;
  checkpoint: TrackerState;
  early: TrackerState | null;
  /** `reduce lr on plateau`'s state (absent for other schedules). */
  plateau?: PlateauState | null;
  stopped: boolean;
}

export interface StageResult {
  epochs: EpochRecord[];
  stoppedEarly: boolean;
  bestEpoch: number;
}
