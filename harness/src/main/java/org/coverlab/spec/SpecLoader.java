package org.coverlab.spec;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.coverlab.spec.YamlNode.Entry;
import org.coverlab.spec.YamlNode.MapNode;
import org.coverlab.spec.YamlNode.ScalarNode;

/**
 * Loads an experiment spec from YAML: follows {@code extends:} chains, applies {@code --set} overrides, binds the
 * result onto {@link ExperimentSpec} and validates it, reporting every problem at once as a {@link SpecException}.
 *
 * <p>Order: the file and its bases are deep-merged (child wins, lists replace), then each {@code --set} is merged on
 * top in command-line order, then keys are bound (unknown keys, types, enum values, ranges, multiples of 8), then
 * paths are made absolute (see {@link SpecPaths}) and required files checked, then {@link ExperimentSpec#crossCheck}
 * runs if everything before it was clean (so one bad value does not also produce follow-on complaints).
 */
public final class SpecLoader {
    /** The top-level key that names a base spec file, resolved against the folder of the file that contains it. */
    public static final String EXTENDS = "extends";

    /**
     * @param workingDir folder that relative paths in {@code --set} values resolve against
     * @param checkFiles whether files the spec needs (model folder, goodreads data, reference statistics) must exist;
     *                   turn off to inspect a spec on a machine that does not have the data
     */
    public record Options(Path workingDir, boolean checkFiles) {
        public static Options defaults() {
            return new Options(Path.of("").toAbsolutePath(), true);
        }

        public Options withoutFileChecks() {
            return new Options(workingDir, false);
        }
    }

    private SpecLoader() {
    }

    /** Loads {@code yamlFile} with {@code --set} overrides ("key.path=value"), checking files. */
    public static ExperimentSpec load(Path yamlFile, List<String> setOverrides) throws SpecException {
        return load(yamlFile, setOverrides, Options.defaults());
    }

    public static ExperimentSpec load(Path yamlFile) throws SpecException {
        return load(yamlFile, List.of(), Options.defaults());
    }

    public static ExperimentSpec load(Path yamlFile, List<String> setOverrides, Options options) throws SpecException {
        List<SpecIssue> issues = new ArrayList<>();
        String display = yamlFile.toString();
        YamlNode tree = new FileTrees(issues).read(yamlFile, display, new ArrayList<>(), null);
        return finish(tree, display, baseDirOf(yamlFile), setOverrides, options, issues);
    }

    /**
     * Loads spec text as if it were the file {@code asFile} (its folder anchors relative paths and {@code extends:});
     * the file itself need not exist. Used for specs stored inside run folders and by tests.
     */
    public static ExperimentSpec loadText(String yaml, Path asFile, List<String> setOverrides, Options options)
            throws SpecException {
        List<SpecIssue> issues = new ArrayList<>();
        String display = asFile.toString();
        YamlNode tree = new FileTrees(issues).fromText(yaml, asFile, display, new ArrayList<>(), null);
        return finish(tree, display, baseDirOf(asFile), setOverrides, options, issues);
    }

    private static ExperimentSpec finish(YamlNode tree, String file, Path baseDir, List<String> setOverrides,
                                         Options options, List<SpecIssue> issues) throws SpecException {
        if (tree == null) {
            throw new SpecException(ordered(issues));
        }
        // With a file or base that could not be read, file checks would judge defaults in place of the missing values.
        boolean incomplete = !issues.isEmpty();
        tree = new SetOverrides(options.workingDir(), issues).apply(tree, setOverrides);
        SpecBinder binder = new SpecBinder(file, issues);
        ExperimentSpec spec = (ExperimentSpec) binder.bindSection(
                SpecType.of(ExperimentSpec.class), tree, ExperimentSpec.DEFAULT, "");
        spec = SpecPaths.resolve(spec, tree, baseDir, file, binder.badPaths(), issues);
        if (options.checkFiles() && !incomplete) {
            SpecPaths.checkFiles(spec, tree, file, binder.badPaths(), issues);
        }
        if (issues.isEmpty()) {
            for (SpecIssue cross : spec.crossCheck(file)) {
                YamlNode at = YamlMerge.findNearest(tree, cross.keyPath());
                issues.add(new SpecIssue(at.origin().file(), at.origin().line(), cross.keyPath(), cross.message()));
            }
        }
        if (!issues.isEmpty()) {
            throw new SpecException(ordered(issues));
        }
        return spec;
    }

    /** Issues grouped by file in order of first mention (--set last), by line within a file; stable otherwise. */
    private static List<SpecIssue> ordered(List<SpecIssue> issues) {
        List<String> files = issues.stream().map(SpecIssue::file).distinct().toList();
        List<SpecIssue> sorted = new ArrayList<>(issues);
        sorted.sort(java.util.Comparator
                .<SpecIssue>comparingInt(i -> SpecIssue.SET_OVERRIDE.equals(i.file()) ? Integer.MAX_VALUE : files.indexOf(i.file()))
                .thenComparingInt(SpecIssue::line));
        return sorted;
    }

    private static Path baseDirOf(Path file) {
        Path parent = file.toAbsolutePath().normalize().getParent();
        return parent != null ? parent : Path.of("").toAbsolutePath();
    }

    /** Reads a spec file and its {@code extends:} chain into one merged tree. */
    private static final class FileTrees {
        private final List<SpecIssue> issues;

        FileTrees(List<SpecIssue> issues) {
            this.issues = issues;
        }

        /**
         * @param chain   absolute files already being read (for cycle detection), outermost first
         * @param citedAt the {@code extends:} value that named this file, or null for the top file
         */
        YamlNode read(Path file, String display, List<Path> chain, ScalarNode citedAt) {
            String text;
            try {
                byte[] bytes = Files.readAllBytes(file);
                text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
            } catch (NoSuchFileException e) {
                issues.add(citedAt == null
                        ? new SpecIssue(display, 0, "", "spec file does not exist")
                        : new SpecIssue(citedAt.origin().file(), citedAt.origin().line(), EXTENDS, "base spec " + display + " does not exist"));
                return null;
            } catch (CharacterCodingException e) {
                issues.add(new SpecIssue(display, 0, "", "is not UTF-8 text"));
                return null;
            } catch (IOException e) {
                issues.add(new SpecIssue(display, 0, "", "cannot be read: " + e));
                return null;
            }
            return fromText(text, file, display, chain, citedAt);
        }

        YamlNode fromText(String text, Path file, String display, List<Path> chain, ScalarNode citedAt) {
            Path absolute = file.toAbsolutePath().normalize();
            Path dir = baseDirOf(file);
            YamlNode root = new YamlReader(display, dir, true, issues).read(text, "");
            if (root == null) {
                if (issues.isEmpty() || !issues.get(issues.size() - 1).file().equals(display)) {
                    issues.add(new SpecIssue(display, 0, "", "is empty; a spec is a YAML map of keys such as name, model, dataset, train, sample, eval"));
                }
                return null;
            }
            if (!(root instanceof MapNode map)) {
                issues.add(new SpecIssue(display, root.origin().line(), "",
                        "the top level must be a map of keys (name, model, dataset, ...), got " + root.describeForError()));
                return null;
            }
            Entry ext = map.entries().get(EXTENDS);
            if (ext == null) {
                return map;
            }
            Map<String, Entry> own = new LinkedHashMap<>(map.entries());
            own.remove(EXTENDS);
            MapNode child = new MapNode(map.origin(), own);
            if (!(ext.value() instanceof ScalarNode base) || base.isNull() || base.text().isBlank()) {
                issues.add(new SpecIssue(display, ext.keyOrigin().line(), EXTENDS,
                        "expected the path of a base spec file, got " + ext.value().describeForError()));
                return child;
            }
            Path basePath = dir.resolve(base.text().strip()).normalize();
            List<Path> nextChain = new ArrayList<>(chain);
            nextChain.add(absolute);
            if (nextChain.contains(basePath.toAbsolutePath().normalize())) {
                StringBuilder cycle = new StringBuilder();
                for (Path p : nextChain) {
                    cycle.append(p.getFileName()).append(" -> ");
                }
                cycle.append(basePath.getFileName());
                issues.add(new SpecIssue(display, base.origin().line(), EXTENDS, "extends cycle: " + cycle));
                return child;
            }
            String baseDisplay = Path.of(display).resolveSibling(base.text().strip()).normalize().toString();
            YamlNode baseTree = read(basePath, baseDisplay, nextChain, base);
            // A broken base still lets this file's own keys be checked, so all issues come out in one go.
            return baseTree == null ? child : YamlMerge.merge(baseTree, child);
        }
    }
}
