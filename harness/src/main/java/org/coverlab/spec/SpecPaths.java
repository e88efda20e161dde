package org.coverlab.spec;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.coverlab.spec.YamlNode.Origin;

/**
 * The spec keys that hold file system paths: how they resolve and which files must exist.
 *
 * <p>A relative path resolves against the folder of the file that wrote it (so a base file pulled in by
 * {@code extends:} keeps its own meaning), a {@code --set} path against the working directory, a default against the
 * folder of the spec file being loaded; {@code ~/} is the user's home. The loaded spec holds absolute normalized
 * paths, so the canonical copy a run stores with itself still points at the same data wherever the run folder is
 * copied. Sentinel values ({@code tiny}, {@code validation}) are not paths and stay as written.
 */
final class SpecPaths {
    /** A path-valued key and the non-path word it may also hold (null when none). */
    record PathKey(String keyPath, String sentinel) {
        boolean isPath(String value) {
            return !value.equals(sentinel);
        }

        String expected() {
            return sentinel == null ? "a path" : "'" + sentinel + "' or a path";
        }
    }

    static final List<PathKey> KEYS = List.of(
            new PathKey("model.base", "tiny"),
            new PathKey("dataset.path", null),
            new PathKey("eval.reference_stats", "validation"),
            new PathKey("eval.inception_weights", "auto"));

    private SpecPaths() {
    }

    /** The spec with every path key made absolute; unparseable paths become issues. */
    static ExperimentSpec resolve(ExperimentSpec spec, YamlNode tree, Path defaultBaseDir, String defaultFile,
                                  Set<String> badPaths, List<SpecIssue> issues) {
        ExperimentSpec out = spec;
        for (PathKey key : KEYS) {
            String value = (String) SpecValues.get(spec, key.keyPath());
            if (badPaths.contains(key.keyPath()) || !key.isPath(value)) {
                continue;
            }
            YamlNode node = YamlMerge.find(tree, key.keyPath());
            Origin origin = node != null ? node.origin() : new Origin(defaultFile, defaultBaseDir, 0, 0);
            Path baseDir = origin.baseDir() != null ? origin.baseDir() : defaultBaseDir;
            if (value.isBlank()) {
                issues.add(new SpecIssue(origin.file(), origin.line(), key.keyPath(), "is empty; expected " + key.expected()));
                badPaths.add(key.keyPath());
                continue;
            }
            try {
                out = SpecValues.with(out, key.keyPath(), resolve(value, baseDir).toString());
            } catch (InvalidPathException e) {
                issues.add(new SpecIssue(origin.file(), origin.line(), key.keyPath(), "is not a valid path: " + e.getReason()));
                badPaths.add(key.keyPath());
            }
        }
        return out;
    }

    static Path resolve(String value, Path baseDir) {
        String expanded = value.equals("~") || value.startsWith("~/")
                ? System.getProperty("user.home") + value.substring(1) : value;
        return baseDir.resolve(expanded).toAbsolutePath().normalize();
    }

    /** Files the spec needs that must already exist (the synthetic dataset is generated on first use, so not it). */
    static void checkFiles(ExperimentSpec spec, YamlNode tree, String defaultFile, Set<String> badPaths, List<SpecIssue> issues) {
        if (!badPaths.contains("model.base") && !spec.model().isTiny()) {
            Path base = Path.of(spec.model().base());
            if (!Files.isDirectory(base)) {
                issues.add(issue(tree, defaultFile, "model.base", "folder " + base + " does not exist; expected 'tiny' or a diffusers Stable Diffusion folder (with model_index.json)"));
            } else if (!Files.isRegularFile(base.resolve("model_index.json"))) {
                issues.add(issue(tree, defaultFile, "model.base", base + " has no model_index.json; expected a diffusers-format Stable Diffusion folder (unet/, vae/, text_encoder/, tokenizer/, scheduler/)"));
            }
        }
        if (!badPaths.contains("dataset.path") && spec.dataset().source() == DatasetSpec.Source.GOODREADS) {
            Path data = Path.of(spec.dataset().path());
            if (!Files.isDirectory(data)) {
                issues.add(issue(tree, defaultFile, "dataset.path", "folder " + data + " does not exist; the goodreads source needs the Kaggle dataset folder (with " + spec.dataset().csv() + " and the images)"));
            } else if (!badPaths.contains("dataset.csv") && !Files.isRegularFile(data.resolve(spec.dataset().csv()))) {
                issues.add(issue(tree, defaultFile, "dataset.csv", "file " + data.resolve(spec.dataset().csv()) + " does not exist"));
            }
        }
        boolean evaluates = !spec.eval().metrics().isEmpty() && spec.eval().every() != SampleSpec.When.NEVER;
        String stats = spec.eval().referenceStats();
        if (evaluates && !badPaths.contains("eval.reference_stats") && !"validation".equals(stats) && !Files.isRegularFile(Path.of(stats))) {
            issues.add(issue(tree, defaultFile, "eval.reference_stats", "file " + stats + " does not exist; give an .npz of reference statistics or 'validation'"));
        }
        String weights = spec.eval().inceptionWeights();
        if (evaluates && !badPaths.contains("eval.inception_weights") && !"auto".equals(weights) && !Files.isRegularFile(Path.of(weights))) {
            issues.add(issue(tree, defaultFile, "eval.inception_weights", "file " + weights + " does not exist; convert pytorch-fid's pt_inception-2015-12-05-6726825d.pth with scripts/convert_fid_inception.py, or use 'auto'"));
        }
    }

    private static SpecIssue issue(YamlNode tree, String defaultFile, String keyPath, String message) {
        YamlNode node = YamlMerge.find(tree, keyPath);
        return node == null
                ? new SpecIssue(defaultFile, 0, keyPath, message + " (default value)")
                : new SpecIssue(node.origin().file(), node.origin().line(), keyPath, message);
    }
}
