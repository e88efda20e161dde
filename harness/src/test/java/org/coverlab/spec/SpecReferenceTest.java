package org.coverlab.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.coverlab.spec.SpecType.Key;
import org.coverlab.spec.SpecType.Section;
import org.coverlab.testsupport.Repository;
import org.junit.jupiter.api.Test;

class SpecReferenceTest {
    @Test
    void committedReferenceMatchesTheRecords() throws Exception {
        Path committed = Repository.root().resolve(SpecReference.COMMITTED_PATH);
        assertEquals(SpecReference.markdown(), Files.readString(committed),
                "harness/docs/spec-reference.md is stale; regenerate it: mvn -q -o -pl harness compile && "
                        + "java -cp harness/target/classes org.coverlab.spec.SpecReference harness/docs/spec-reference.md");
    }

    @Test
    void referenceDocumentsEveryKeyWithItsDescription() {
        String md = SpecReference.markdown();
        assertEveryKeyDocumented(md, SpecType.of(ExperimentSpec.class), "");
    }

    private static void assertEveryKeyDocumented(String md, Section section, String prefix) {
        for (Key key : section.keys()) {
            String path = KeyNames.join(prefix, key.name());
            assertTrue(md.contains("| `" + path + "` |"), () -> path + " has no row");
            assertTrue(!key.doc().isEmpty(), () -> path + " has no @Doc text");
            if (key.type() instanceof Section nested) {
                assertTrue(md.contains("## `" + path + "`"), () -> path + " has no section heading");
                assertEveryKeyDocumented(md, nested, path);
            }
        }
    }
}
