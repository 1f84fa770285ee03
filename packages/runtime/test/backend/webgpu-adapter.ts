// Whether this machine has a WebGPU adapter for the webgpu tests. In CI (CI=true) the tests
// always run, so a missing driver fails them (.ci/install-vulkan-driver installs one); locally
// they are skipped with a message that says how to install it.
import { probeWebGpu, VULKAN_DRIVER_HINT } from '../../src/backend/webgpu';

const probe = await probeWebGpu();

/** True where the webgpu tests must run: an adapter exists, or this is CI. */
export const webgpuTestsRun = probe.ok || process.env.CI === 'true';

/** The adapter the probe found (undefined when none). */
export const webgpuAdapter = probe.ok ? probe.adapter : undefined;

if (!webgpuTestsRun) {
  console.warn(`webgpu tests skipped: ${probe.ok ? '' : probe.reason}\nTo run them, ${VULKAN_DRIVER_HINT}.`);
}
