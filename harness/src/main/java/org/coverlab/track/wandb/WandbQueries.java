package org.coverlab.track.wandb;

/**
 * The GraphQL documents the sink sends: the wandb SDK 0.31's own operations (as its core embeds them), or a subset of
 * their selections. A GraphQL server rejects unknown fields and input fields, so these must not drift from the SDK's:
 * the tests' fake server checks every request against the SDK's documents (test resource
 * {@code conformance/wandb/sdk-graphql.json}, extracted by scripts/refvectors/wandb_graphql.py).
 */
final class WandbQueries {

    private WandbQueries() {}

    static final String VIEWER = """
            query Viewer { viewer { id entity } }""";

    /** The SDK's input mapping: modelName from $project, entityName from $entity, jobProgram/jobRepo from $program/$repo. */
    static final String UPSERT_BUCKET = """
            mutation UpsertBucket ($id: String, $name: String, $project: String, $entity: String, $groupName: String, \
            $description: String, $displayName: String, $notes: String, $commit: String, $config: JSONString, \
            $host: String, $debug: Boolean, $program: String, $repo: String, $jobType: String, $state: String, \
            $sweep: String, $tags: [String!], $summaryMetrics: JSONString) {
              upsertBucket(input: {id: $id, name: $name, groupName: $groupName, modelName: $project, entityName: $entity, \
            description: $description, displayName: $displayName, notes: $notes, config: $config, commit: $commit, \
            host: $host, debug: $debug, jobProgram: $program, jobRepo: $repo, jobType: $jobType, state: $state, \
            sweep: $sweep, tags: $tags, summaryMetrics: $summaryMetrics}) {
                bucket { id name displayName description config sweepName project { id name entity { id name } } historyLineCount }
                inserted
              }
            }""";

    static final String RUN_RESUME_STATUS = """
            query RunResumeStatus ($project: String, $entity: String, $name: String!) {
              model(name: $project, entityName: $entity) {
                id name entity { id name }
                bucket(name: $name, missingOk: true) {
                  id name summaryMetrics displayName logLineCount historyLineCount eventsLineCount historyTail eventsTail
                  config tags notes wandbConfig(keys: ["t"])
                }
              }
            }""";

    static final String CREATE_RUN_FILES = """
            mutation CreateRunFiles ($entity: String!, $project: String!, $run: String!, $files: [String!]!) {
              createRunFiles(input: {entityName: $entity, projectName: $project, runName: $run, files: $files}) {
                runID uploadHeaders files { name uploadUrl }
              }
            }""";

    /** One {@code $input} (CreateArtifactInput) as the SDK sends it, with {@code historyStep}. */
    static final String CREATE_ARTIFACT = """
            mutation CreateArtifact ($input: CreateArtifactInput!) {
              createArtifact(input: $input) { artifact { id state } }
            }""";

    /**
     * Sent twice, as the SDK does: first with an empty digest for the manifest id, then with the manifest's digest and
     * {@code includeUpload} for its upload URL.
     */
    static final String CREATE_ARTIFACT_MANIFEST = """
            mutation CreateArtifactManifest ($artifactID: ID!, $baseArtifactID: ID, $name: String!, $digest: String!, \
            $entityName: String!, $projectName: String!, $runName: String!, $manifestType: ArtifactManifestType!, \
            $includeUpload: Boolean!) {
              createArtifactManifest(input: {artifactID: $artifactID, baseArtifactID: $baseArtifactID, name: $name, \
            digest: $digest, entityName: $entityName, projectName: $projectName, runName: $runName, type: $manifestType}) {
                artifactManifest { id file { id uploadUrl @include(if: $includeUpload) uploadHeaders @include(if: $includeUpload) } }
              }
            }""";

    /** The answer's edges come in the order of the input's files (the SDK's document selects no name). */
    static final String CREATE_ARTIFACT_FILES = """
            mutation CreateArtifactFiles ($input: CreateArtifactFilesInput!) {
              createArtifactFiles(input: $input) {
                files { edges { node { storagePath uploadUrl uploadHeaders artifact { id } } } }
              }
            }""";

    static final String COMMIT_ARTIFACT = """
            mutation CommitArtifact ($artifactID: ID!) {
              commitArtifact(input: {artifactID: $artifactID}) { artifact { id digest } }
            }""";
}
