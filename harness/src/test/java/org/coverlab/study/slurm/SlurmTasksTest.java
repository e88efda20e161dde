package org.coverlab.study.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Array-task states from squeue, sacct and scontrol output. */
class SlurmTasksTest {

    @Test
    void squeueListsEachTaskOfAnArrayAndSkipsJobsThatAreNoArrays() {
        // squeue -h -r -o '%F|%K|%T' of slurm 22.05 (Debian bookworm), plus a plain job (index N/A)
        String out = "3|1|PENDING\n3|2|RUNNING\n9|N/A|RUNNING\n";
        assertEquals(Map.of("3_1", "PENDING", "3_2", "RUNNING"), SlurmTasks.parseSqueue(out));
        assertEquals(Map.of(), SlurmTasks.parseSqueue(""));
    }

    @Test
    void sacctTakesTheStatesFirstWordAndSkipsThePendingRestOfAnArray() {
        // sacct -n -X -P -o JobID,State: finished tasks one per line, the unsplit pending rest as 12_[2-3]
        String out = "12_0|COMPLETED\n12_1|CANCELLED by 0\n12_4|FAILED\n12_[2-3]|PENDING\n";
        assertEquals(Map.of("12_0", "COMPLETED", "12_1", "CANCELLED", "12_4", "FAILED"), SlurmTasks.parseSacct(out));
    }

    @Test
    void scontrolGivesFinishedTasksAndSkipsTheUnsplitRest() {
        // scontrol -o show job 3 of slurm 22.05, cut after JobState (the real lines go on)
        String out = """
                JobId=3 ArrayJobId=3 ArrayTaskId=2-3%1 ArrayTaskThrottle=1 JobName=t2.sh UserId=root(0) JobState=PENDING Reason=JobArrayTaskLimit
                JobId=5 ArrayJobId=3 ArrayTaskId=1 ArrayTaskThrottle=1 JobName=t2.sh UserId=root(0) JobState=FAILED Reason=NonZeroExitCode
                JobId=4 ArrayJobId=3 ArrayTaskId=0 ArrayTaskThrottle=1 JobName=t2.sh UserId=root(0) JobState=COMPLETED Reason=None
                """;
        assertEquals(Map.of("3_1", "FAILED", "3_0", "COMPLETED"), SlurmTasks.parseScontrol(out));
    }

    @Test
    void queuedRunningAndRequeuedTasksAreActiveFinishedOnesAreNot() {
        for (String s : new String[] {"PENDING", "RUNNING", "COMPLETING", "REQUEUED", "SUSPENDED"}) {
            assertTrue(SlurmTasks.isActive(s), s);
        }
        for (String s : new String[] {"COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "OUT_OF_MEMORY", "NODE_FAIL", "-"}) {
            assertFalse(SlurmTasks.isActive(s), s);
        }
    }
}
