package org.coverlab.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.coverlab.spec.SpecType.Key;
import org.coverlab.spec.SpecType.Section;
import org.junit.jupiter.api.Test;

class SpecWriterTest {
    private static final Path AS_FILE = Path.of("/tmp/coverlab-spec-test/spec.yaml");

    static ExperimentSpec reload(String yaml) throws SpecException {
        return SpecLoader.loadText(yaml, AS_FILE, List.of(), SpecLoader.Options.defaults().withoutFileChecks());
    }

    private static ExperimentSpec absoluteDefault() {
        return SpecValues.with(ExperimentSpec.DEFAULT, "dataset.path", "/data/covers");
    }

    @Test
    void canonicalYamlWritesEveryKeyOfEverySection() {
        String yaml = SpecWriter.toYaml(absoluteDefault());
        YamlNode tree = new YamlReader("canonical", AS_FILE.getParent(), true, new ArrayList<>()).read(yaml, "");
        List<String> paths = new ArrayList<>();
        collect(SpecType.of(ExperimentSpec.class), "", paths);
        assertTrue(paths.size() > 50, "the schema walk found the keys");
        for (String path : paths) {
            assertNotNull(YamlMerge.find(tree, path), () -> path + " is missing from\n" + yaml);
        }
    }

    private static void collect(Section section, String prefix, List<String> out) {
        for (Key key : section.keys()) {
            String path = KeyNames.join(prefix, key.name());
            out.add(path);
            if (key.type() instanceof Section nested) {
                collect(nested, path, out);
            }
        }
    }

    @Test
    void defaultSpecSurvivesWriteAndLoad() throws Exception {
        assertEquals(absoluteDefault(), reload(SpecWriter.toYaml(absoluteDefault())));
    }

    @Test
    void stringsThatNeedEscapingSurviveWriteAndLoad() throws Exception {
        List<String> nasty = List.of("", " lead and trail ", "quote \" and back\\slash", "new\nline\r\ttab",
                "# not a comment", "key: value", "null", "~", "- dash", "[1, 2]", "{a: b}", "no", "'single'",
                "nel\u0085 ls\u2028 ps\u2029 bom\uFEFF del\u007F nul\u0000 bell\u0007", "emoji \uD83D\uDE00 and é ü 中文",
                "%percent", "@at", "`tick`", "&anchor", "*alias", "!tag", "|", ">", "123", "1e5", "true");
        for (String s : nasty) {
            ExperimentSpec spec = SpecValues.with(SpecValues.with(absoluteDefault(), "description", s), "sample.prompts", List.of(s, "x"));
            assertEquals(spec, reload(SpecWriter.toYaml(spec)), () -> "string " + s);
        }
    }

    @Test
    void enumWordsThatYaml11ReadsAsBooleansAreQuoted() {
        assertTrue(SpecWriter.toYaml(absoluteDefault()).contains("  mixed_precision: \"no\"\n"));
    }

    @Test
    void numbersUseASignedLowercaseExponent() {
        assertEquals("5.0e-6", SpecWriter.number(5e-6));
        assertEquals("1.0e+20", SpecWriter.number(1e20));
        assertEquals("0.001", SpecWriter.number(1e-3));
        assertEquals("-0.0", SpecWriter.number(-0.0));
    }

    @Test
    void hashIsStableHexAndChangesWithAnyValue() throws Exception {
        ExperimentSpec spec = absoluteDefault();
        String hash = SpecHash.sha256(spec);
        assertTrue(hash.matches("[0-9a-f]{64}"), hash);
        assertEquals(hash, SpecHash.sha256(reload(SpecWriter.toYaml(spec))), "the hash of the reloaded spec is the same");
        assertNotEquals(hash, SpecHash.sha256(SpecValues.with(spec, "train.ema_decay", 0.999)));
        assertNotEquals(hash, SpecHash.sha256(SpecValues.with(spec, "dataset.resolution.width", 72)));
    }
}
