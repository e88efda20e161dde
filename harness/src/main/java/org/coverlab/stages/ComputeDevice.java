package org.coverlab.stages;

import ai.djl.Device;
import ai.djl.engine.Engine;
import org.coverlab.run.RunProvenance;
import org.coverlab.spec.ExperimentSpec;
import org.coverlab.spec.TrainSpec;
import org.coverlab.util.BadInputException;

/**
 * The device {@code train.device} resolves to on this machine, decided in one place for the plan-time refusal, the
 * {@code device} of run.json and the train stage. A GPU needs DJL's CUDA PyTorch native library: when the natives on
 * the class path are the CPU build and DJL may not download others ({@code ai.djl.offline}, or no CUDA
 * {@code PYTORCH_FLAVOR}), no GPU is possible and the native engine is not even started to find that out; otherwise
 * the engine is asked how many CUDA GPUs it sees.
 */
public final class ComputeDevice {

    private ComputeDevice() {
    }

    /** The device {@code wanted} names here; throws (bad input, exit 2) when it is gpu and no GPU is usable. */
    public static Device resolve(TrainSpec.Device wanted) {
        return switch (wanted) {
            case CPU -> Device.cpu();
            case AUTO -> gpuCount() > 0 ? Device.gpu() : Device.cpu();
            case GPU -> {
                if (gpuCount() == 0) {
                    throw new BadInputException("train.device is gpu but " + whyNoGpu() + "; use device: cpu or auto");
                }
                yield Device.gpu();
            }
        };
    }

    /** The device {@code spec}'s run trains on here, as run.json names it. */
    public static String nameFor(ExperimentSpec spec) {
        return name(resolve(spec.train().device()));
    }

    /** How run.json and the log name a resolved device: {@code cpu} or {@code gpu(0)}. */
    public static String name(Device device) {
        return device.isGpu() ? "gpu(" + device.getDeviceId() + ")" : "cpu";
    }

    private static int gpuCount() {
        return cudaNativesPossible() ? Engine.getInstance().getGpuCount() : 0;
    }

    /** Whether DJL can run on CUDA at all: CUDA natives bundled, or allowed to be downloaded for a CUDA flavor. */
    private static boolean cudaNativesPossible() {
        String bundled = RunProvenance.bundledLibtorchFlavor();
        if (bundled != null && bundled.startsWith("cu")) {
            return true;
        }
        String wantFlavor = System.getenv("PYTORCH_FLAVOR");
        return !Boolean.getBoolean("ai.djl.offline") && wantFlavor != null && wantFlavor.startsWith("cu");
    }

    private static String whyNoGpu() {
        if (!cudaNativesPossible()) {
            return "this build bundles DJL's " + RunProvenance.bundledLibtorchFlavor() + " PyTorch native library "
                    + "(pytorch-native-" + RunProvenance.bundledLibtorchFlavor() + "), which has no CUDA; see README "
                    + "'Device' for the CUDA native library";
        }
        return "DJL's PyTorch engine sees no CUDA GPU on this machine";
    }
}
