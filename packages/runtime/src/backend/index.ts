// Backend selection: which TensorFlow.js backend a run uses, and the line it prints about it.
export { selectBackend, selectedBackend, describeBackend, releaseBackend, GPU_BACKENDS, TFJS_VERSION } from './select';
export type { BackendPreference, BackendName, SelectedBackend } from './select';
