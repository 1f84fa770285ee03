// `data "folder" { … }` and `augment { … }` lowered to the plan's data pipeline, with every
// default visible (@tlc/plan's DATA_DEFAULTS): validation 20% (seed 42), batch 32, shuffling on,
// bad images fail the run, a decompression-bomb pixel limit, no augmentation unless asked for.
import type { AugmentStatement, DataStatement, MixSetting, RandomCropSetting, RangeLiteral, ShiftSetting, ValidationSetting, ZoomSetting } from '../ast/nodes';
import type { ModelEntry } from '@tlc/zoo/catalog';
import type { AugmentPlan, DataPlan } from '@tlc/plan';
import { DATA_DEFAULTS, RANDOM_CROP_DEFAULTS } from '@tlc/plan';
import type { ImageShape } from './model';
import { planPath } from './paths';
import { batchSizeOf, settingOf } from './select';

/** `image WxH rgb|grayscale [adapt sum|skip]`, or the model's default square input in RGB. */
export function imageShapeOf(data: DataStatement | undefined, entry: ModelEntry): ImageShape {
  const image = data && settingOf(data.settings, 'Image');
  return {
    height: image?.size?.height ?? entry.inputSize,
    width: image?.size?.width ?? entry.inputSize,
    channels: image?.color?.name === 'grayscale' ? 1 : 3,
    adapt: image?.adapt?.name === 'skip' ? 'skip' : 'sum',
  };
}

/** The data seed: `shuffle … seed N`, else the default. Validation and augmentation reuse it. */
export function dataSeedOf(data: DataStatement | undefined): number {
  return (data && settingOf(data.settings, 'Shuffle')?.seed?.value) ?? DATA_DEFAULTS.seed;
}

export function lowerData(data: DataStatement, augment: AugmentStatement | undefined, image: ImageShape): DataPlan {
  const seed = dataSeedOf(data);
  const validation = settingOf(data.settings, 'Validation');
  const shuffle = settingOf(data.settings, 'Shuffle');
  return {
    // The checker reports a `data` without its folder.
    directory: planPath(data.directory?.value ?? '.'),
    imageSize: [image.height, image.width],
    colorMode: image.channels === 1 ? 'grayscale' : 'rgb',
    resize: (settingOf(data.settings, 'Resize')?.mode?.name as DataPlan['resize'] | undefined) ?? 'stretch',
    validation: lowerValidation(validation, seed),
    batchSize: batchSizeOf(settingOf(data.settings, 'Batch')) ?? DATA_DEFAULTS.batchSize,
    shuffle: shuffle?.enabled ? shuffle.enabled.name === 'on' : DATA_DEFAULTS.shuffle,
    seed,
    onBadImage: (settingOf(data.settings, 'OnBadImage')?.action?.name as DataPlan['onBadImage'] | undefined) ?? DATA_DEFAULTS.onBadImage,
    maxPixels: DATA_DEFAULTS.maxPixels,
    augment: augment ? lowerAugment(augment, seed) : null,
    labels: lowerLabels(data),
  };
}

/**
 * `labels "FILE" [columns "IMAGE" "LABELS"] [separator ";"]`: the path as written, relative to the
 * data folder (as fastai's `from_csv`); the columns by header name, else the first two (fastai's
 * fn_col=0, label_col=1); what separates labels, else a space (fastai's label_delim=' ').
 */
function lowerLabels(data: DataStatement): DataPlan['labels'] {
  const labels = settingOf(data.settings, 'Labels');
  const path = labels?.path?.value;
  if (path === undefined) return null;
  return { path: planPath(path), fileColumn: labels?.fileColumn?.value ?? 0, labelColumn: labels?.labelColumn?.value ?? 1, separator: labels?.separator?.value ?? ' ' };
}

function lowerValidation(setting: ValidationSetting | undefined, seed: number): DataPlan['validation'] {
  if (setting?.directory) return { mode: 'directory', directory: planPath(setting.directory.value) };
  return { mode: 'split', fraction: setting?.fraction?.value ?? DATA_DEFAULTS.validationFraction, seed: setting?.seed?.value ?? seed };
}

/** `random crop [scale LO..HI] [ratio LO..HI]`, a clause left out taking its default. */
function lowerRandomCrop(setting: RandomCropSetting | undefined): AugmentPlan['randomCrop'] {
  if (!setting) return null;
  const range = (r: RangeLiteral | undefined, fallback: [number, number]): [number, number] => (r ? [r.min.value, r.max.value] : [...fallback]);
  return { scale: range(setting.scale, RANDOM_CROP_DEFAULTS.scale), ratio: range(setting.ratio, RANDOM_CROP_DEFAULTS.ratio) };
}

function lowerAugment(augment: AugmentStatement, dataSeed: number): AugmentPlan {
  const { settings } = augment;
  const shifts = settings.filter((s): s is ShiftSetting => s.kind === 'Shift');
  const shift = (axis: 'width' | 'height') =>
    (shifts.find((s) => s.axis?.name === axis) ?? shifts.find((s) => !s.axis))?.amount?.value ?? 0;
  const flips = settingOf(settings, 'Flip')?.directions.map((d) => d.name) ?? [];
  const brightness = settingOf(settings, 'Brightness')?.range;
  const fill = settingOf(settings, 'Fill');
  const fillMode = (fill?.mode?.name ?? 'nearest') as AugmentPlan['fill']['mode'];
  return {
    rotation: settingOf(settings, 'Rotate')?.degrees?.value ?? 0,
    zoom: zoomRange(settingOf(settings, 'Zoom')),
    shear: settingOf(settings, 'Shear')?.amount?.value ?? 0,
    shiftWidth: shift('width'),
    shiftHeight: shift('height'),
    channelShift: settingOf(settings, 'ChannelShift')?.amount?.value ?? 0,
    fill: { mode: fillMode, value: fillMode === 'constant' ? fill?.value?.value ?? 0 : 0 },
    horizontalFlip: flips.includes('horizontal'),
    verticalFlip: flips.includes('vertical'),
    brightness: brightness ? [brightness.min.value, brightness.max.value] : null,
    mixup: settings.find((s): s is MixSetting => s.kind === 'Mixup')?.alpha?.value ?? 0,
    cutmix: settings.find((s): s is MixSetting => s.kind === 'Cutmix')?.alpha?.value ?? 0,
    randomCrop: lowerRandomCrop(settingOf(settings, 'RandomCrop')),
    seed: settingOf(settings, 'AugmentSeed')?.seed?.value ?? dataSeed,
  };
}

/** Keras's zoom_range: a number z is [1 - z, 1 + z], a range is [lower, upper]. */
function zoomRange(zoom: ZoomSetting | undefined): [number, number] {
  if (zoom?.range) return [zoom.range.min.value, zoom.range.max.value];
  const z = zoom?.amount?.value ?? 0;
  return [1 - z, 1 + z];
}
