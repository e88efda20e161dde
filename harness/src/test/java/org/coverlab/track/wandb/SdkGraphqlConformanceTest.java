package org.coverlab.track.wandb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every GraphQL document coverlab sends is checked against the wandb SDK 0.31's own documents
 * (conformance/wandb/sdk-graphql.json, extracted from the SDK's core by scripts/refvectors/wandb_graphql.py): the
 * operation, its variables and types, arguments, input fields and selected fields must all exist in the SDK's version.
 * The fake W&B server applies the same check to every request, so every tracker test guards it too.
 */
class SdkGraphqlConformanceTest {

    private static final Map<String, String> OURS = Map.of(
            "Viewer", WandbQueries.VIEWER,
            "UpsertBucket", WandbQueries.UPSERT_BUCKET,
            "RunResumeStatus", WandbQueries.RUN_RESUME_STATUS,
            "CreateRunFiles", WandbQueries.CREATE_RUN_FILES,
            "CreateArtifact", WandbQueries.CREATE_ARTIFACT,
            "CreateArtifactManifest", WandbQueries.CREATE_ARTIFACT_MANIFEST,
            "CreateArtifactFiles", WandbQueries.CREATE_ARTIFACT_FILES,
            "CommitArtifact", WandbQueries.COMMIT_ARTIFACT);

    @Test
    void everyDocumentCoverlabSendsExistsFieldForFieldInTheSdk() {
        OURS.forEach((name, document) -> {
            assertEquals(name, SdkGraphql.parse(document).name);
            assertTrue(SdkGraphql.sdkHas(name), name + " is an SDK operation");
            assertEquals(List.of(), SdkGraphql.problems(document, null), name);
        });
    }

    @Test
    void upsertBucketMapsProgramAndRepoToTheJobInputFieldsAsTheSdkDoes() {
        String input = WandbQueries.UPSERT_BUCKET.replaceAll("\\s+", " ");
        assertTrue(input.contains("jobProgram: $program") && input.contains("jobRepo: $repo"), input);
        var fields = ((SdkGraphql.Value.Object) SdkGraphql.parse(WandbQueries.UPSERT_BUCKET).root.fields.get("upsertBucket")
                .args.get("input")).fields();
        assertEquals(new SdkGraphql.Value.Variable("program"), fields.get("jobProgram"));
        assertEquals(new SdkGraphql.Value.Variable("repo"), fields.get("jobRepo"));
    }

    @Test
    void theOldUpsertBucketWithProgramAndRepoInputFieldsIsRejected() {
        String old = WandbQueries.UPSERT_BUCKET.replace("jobProgram: $program", "program: $program")
                .replace("jobRepo: $repo", "repo: $repo");
        List<String> problems = SdkGraphql.problems(old, null);
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("input field program"), problems.toString());
        assertTrue(problems.get(1).contains("input field repo"), problems.toString());
    }

    @Test
    void aFieldVariableOrArgumentTheSdkDoesNotHaveIsRejected() {
        assertTrue(SdkGraphql.problems(WandbQueries.CREATE_ARTIFACT.replace("id state", "id state digest"), null)
                .get(0).contains("selects field digest"));
        assertTrue(SdkGraphql.problems(WandbQueries.COMMIT_ARTIFACT.replace("$artifactID: ID!", "$artifactID: String!"), null)
                .get(0).contains("variable $artifactID is String!, the SDK's is ID!"));
        assertTrue(SdkGraphql.problems(WandbQueries.RUN_RESUME_STATUS.replace("missingOk: true", "missingOk: true, x: 1"), null)
                .get(0).contains("bucket(x:) is not an argument"));
        assertTrue(SdkGraphql.problems("mutation MadeUp { x }", null).get(0).contains("not one the wandb SDK sends"));
        assertTrue(SdkGraphql.problems(WandbQueries.CREATE_ARTIFACT.replace("createArtifact(input: $input)",
                "createArtifact(input: {entityName: $input})"), null).get(0).contains("is an input object, the SDK's is $input"));
    }

    @Test
    void inputObjectsPassedAsVariablesMayOnlyHaveKeysTheSdkSends() throws Exception {
        ObjectNode variables = FakeWandbServer.JSON.createObjectNode();
        variables.putObject("input").put("entityName", "lab").put("historyStep", 2).put("program", "x");
        List<String> problems = SdkGraphql.problems(WandbQueries.CREATE_ARTIFACT, variables);
        assertEquals(List.of("CreateArtifact: input has key program, which the SDK never sends there"), problems);
        ObjectNode files = FakeWandbServer.JSON.createObjectNode();
        files.putObject("input").putArray("artifactFiles").addObject().put("name", "a").put("size", 1);
        assertEquals(List.of("CreateArtifactFiles: input.artifactFiles[] has key size, which the SDK never sends there"),
                SdkGraphql.problems(WandbQueries.CREATE_ARTIFACT_FILES, files));
        ObjectNode undeclared = FakeWandbServer.JSON.createObjectNode().put("artifactID", "a").put("extra", 1);
        assertEquals(List.of("CommitArtifact: sends variable extra that the document does not declare"),
                SdkGraphql.problems(WandbQueries.COMMIT_ARTIFACT, undeclared));
    }

    @Test
    void everyRequestTheSdkItselfSentPassesTheCheck() throws Exception {
        int checked = 0;
        for (String capture : List.of("sdk-wire.json", "sdk-wire-resume.json", "sdk-wire-artifact.json")) {
            JsonNode requests;
            try (InputStream in = getClass().getResourceAsStream("/conformance/wandb/" + capture)) {
                requests = FakeWandbServer.JSON.readTree(in).path("requests");
            }
            for (JsonNode request : requests) {
                JsonNode body = request.path("body");
                if (request.path("path").asText().equals("/graphql") && body.path("query").asText().contains("mutation")) {
                    assertEquals(List.of(), SdkGraphql.problems(body.path("query").asText(), body.path("variables")), capture);
                    checked++;
                }
            }
        }
        assertTrue(checked >= 10, "checked " + checked + " SDK mutations");
    }
}
