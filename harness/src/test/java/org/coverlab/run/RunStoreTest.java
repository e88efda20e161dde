package org.coverlab.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunStoreTest {

    @TempDir
    Path dir;

    static RunInfo draft() {
        return new RunInfo(null, "exp", null, "/specs/exp.yaml", "ab".repeat(32), List.of("test"), List.of("local"), List.of(), "dev");
    }

    private static SecureRandom seeded(long seed) throws Exception {
        SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
        r.setSeed(seed); // before first use: a deterministic stream
        return r;
    }

    @Test
    void createdRunHasTheDocumentedLayoutAndIsLocked() throws Exception {
        RunStore store = new RunStore(dir.resolve("runs"), new RunId(), Clock.systemUTC());
        ActiveRun run = store.create("name: exp\n", draft());
        try (RunLock lock = run.lock()) {
            RunDir d = run.dir();
            assertTrue(RunId.isValid(d.id()), d.id());
            assertEquals(dir.resolve("runs").resolve(d.id()), d.path());
            assertEquals("name: exp\n", Files.readString(d.spec()));
            assertEquals(d.id(), d.readInfo().id());
            assertEquals("ab".repeat(32), d.readInfo().specSha256());
            assertEquals(RunStatus.RUNNING, d.readState().status());
            assertEquals(ProcessHandle.current().pid(), d.readState().pid());
            assertTrue(Files.isDirectory(d.checkpoints()));
            // samples/ and eval/ appear only when a stage writes into them: no empty folders in a demo run
            assertFalse(Files.exists(d.samples()) || Files.exists(d.eval()));
            assertTrue(RunLock.isHeld(d.lockFile()));
            assertTrue(Files.readString(d.lockFile()).startsWith(ProcessHandle.current().pid() + "@"));
            RunLockedException e = assertThrows(RunLockedException.class, () -> RunLock.acquire(d.id(), d.lockFile()));
            assertTrue(e.getMessage().contains("pid " + ProcessHandle.current().pid()), e.getMessage());
            assertEquals(List.of(d), store.list());
            assertEquals(d, store.find(d.id()));
        }
        assertFalse(RunLock.isHeld(run.dir().lockFile()), "closing releases the lock");
    }

    @Test
    void anIdCollisionDrawsAnotherId() throws Exception {
        Path runs = dir.resolve("runs");
        ActiveRun first = new RunStore(runs, new RunId(seeded(7)), Clock.systemUTC()).create("a: 1\n", draft());
        first.lock().close();
        // A second store drawing the same id sequence must skip the taken id rather than reuse its folder.
        ActiveRun second = new RunStore(runs, new RunId(seeded(7)), Clock.systemUTC()).create("a: 2\n", draft());
        second.lock().close();
        assertNotEquals(first.dir().id(), second.dir().id());
        assertEquals("a: 1\n", Files.readString(first.dir().spec()));
        assertEquals(2, new RunStore(runs, new RunId(), Clock.systemUTC()).list().size());
    }

    @Test
    void unknownAndMalformedRunIdsAreExplained() {
        RunStore store = new RunStore(dir.resolve("runs"), new RunId(), Clock.systemUTC());
        UnknownRunException missing = assertThrows(UnknownRunException.class, () -> store.find("zzzz9999"));
        assertTrue(missing.getMessage().contains("no run 'zzzz9999' in " + dir.resolve("runs")), missing.getMessage());
        UnknownRunException bad = assertThrows(UnknownRunException.class, () -> store.find("../etc"));
        assertTrue(bad.getMessage().contains("is not a run id"), bad.getMessage());
    }

    @Test
    void runsDirComesFromFlagThenEnvironmentThenCurrentDirectory() {
        Path cwd = dir.resolve("work");
        assertEquals(cwd.resolve("runs"), RunStore.resolveRoot(null, Map.of(), cwd));
        assertEquals(cwd.resolve("elsewhere"), RunStore.resolveRoot(null, Map.of(RunStore.ENV, "elsewhere"), cwd));
        assertEquals(cwd.resolve("flag"), RunStore.resolveRoot(Path.of("flag"), Map.of(RunStore.ENV, "elsewhere"), cwd));
    }

    @Test
    void runIdsAreEightBase36Characters() {
        RunId ids = new RunId();
        for (int i = 0; i < 1000; i++) {
            String id = ids.next();
            assertTrue(id.matches("[0-9a-z]{8}"), id);
        }
        assertFalse(RunId.isValid("ABCDEFGH"));
        assertFalse(RunId.isValid("abc"));
    }
}
