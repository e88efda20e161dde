package org.coverlab.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.coverlab.run.RunDir;
import org.coverlab.run.RunInfo;

/**
 * Which runs belong to a study, for {@code coverlab report --study NAME}. A study is a set of member runs; a run is a
 * member of study NAME when its spec's name is NAME, or when it carries the study tag NAME: a {@code study} value in
 * run.json or in the resolved spec ({@code study: NAME} or {@code study: {name: NAME}}), which is where the studies
 * feature records membership. Members come oldest first.
 */
public final class StudySelection {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private StudySelection() {}

    public static List<RunDir> members(List<RunDir> runs, String study) throws IOException {
        List<RunDir> members = new ArrayList<>();
        List<String> created = new ArrayList<>();
        for (RunDir dir : runs) {
            RunInfo info = dir.readInfo();
            if (study.equals(info.name()) || study.equals(tag(dir))) {
                members.add(dir);
                created.add(info.createdAt() + " " + dir.id());
            }
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparing(created::get));
        return order.stream().map(members::get).toList();
    }

    /** The run's study tag, or null. */
    private static String tag(RunDir dir) throws IOException {
        JsonNode info = new ObjectMapper().readTree(dir.runInfo().toFile());
        String fromInfo = studyName(info == null ? null : info.get("study"));
        if (fromInfo != null || !Files.isRegularFile(dir.spec())) {
            return fromInfo;
        }
        JsonNode spec = YAML.readTree(dir.spec().toFile());
        return studyName(spec == null ? null : spec.get("study"));
    }

    private static String studyName(JsonNode node) {
        if (node == null) {
            return null;
        }
        if (node.isTextual()) {
            return node.asText();
        }
        JsonNode name = node.get("name");
        return name != null && name.isTextual() ? name.asText() : null;
    }
}
