package org.coverlab.track.wandb;

/** The GraphQL documents the sink sends, with the field names of the W&B SDK 0.28. */
final class WandbQueries {

    private WandbQueries() {}

    static final String VIEWER = """
            query Viewer { viewer { id entity } }""";

    static final String UPSERT_BUCKET = """
            mutation UpsertBucket($id: String, $name: String, $project: String, $entity: String, $groupName: String, \
            $description: String, $displayName: String, $notes: String, $commit: String, $config: JSONString, \
            $host: String, $program: String, $repo: String, $jobType: String, $state: String, $sweep: String, \
            $tags: [String!], $summaryMetrics: JSONString) {
              upsertBucket(input: {id: $id, name: $name, groupName: $groupName, modelName: $project, entityName: $entity, \
            description: $description, displayName: $displayName, notes: $notes, config: $config, commit: $commit, \
            host: $host, program: $program, repo: $repo, jobType: $jobType, state: $state, sweep: $sweep, tags: $tags, \
            summaryMetrics: $summaryMetrics}) {
                bucket { id name displayName description config sweepName project { id name entity { id name } } historyLineCount }
                inserted
              }
            }""";

    static final String RUN_RESUME_STATUS = """
            query RunResumeStatus($project: String, $entity: String, $name: String!) {
              model(name: $project, entityName: $entity) {
                id name entity { id name }
                bucket(name: $name, missingOk: true) {
                  id name summaryMetrics displayName logLineCount historyLineCount eventsLineCount historyTail eventsTail
                  config tags notes wandbConfig(keys: ["t"])
                }
              }
            }""";

    static final String CREATE_RUN_FILES = """
            mutation CreateRunFiles($entity: String!, $project: String!, $run: String!, $files: [String!]!) {
              createRunFiles(input: {entityName: $entity, projectName: $project, runName: $run, files: $files}) {
                runID uploadHeaders files { name uploadUrl }
              }
            }""";

    static final String CREATE_ARTIFACT = """
            mutation CreateArtifact($entityName: String!, $projectName: String!, $artifactTypeName: String!, \
            $artifactCollectionName: String!, $runName: String, $digest: String!, $digestAlgorithm: ArtifactDigestAlgorithm, \
            $aliases: [ArtifactAliasInput!], $enableDigestDeduplication: Boolean, $clientID: ID, $sequenceClientID: ID, \
            $metadata: JSONString, $description: String) {
              createArtifact(input: {entityName: $entityName, projectName: $projectName, artifactTypeName: $artifactTypeName, \
            artifactCollectionName: $artifactCollectionName, runName: $runName, digest: $digest, digestAlgorithm: $digestAlgorithm, \
            aliases: $aliases, enableDigestDeduplication: $enableDigestDeduplication, clientID: $clientID, \
            sequenceClientID: $sequenceClientID, metadata: $metadata, description: $description}) {
                artifact { id state digest }
              }
            }""";

    static final String CREATE_ARTIFACT_MANIFEST = """
            mutation CreateArtifactManifest($artifactID: ID!, $name: String!, $digest: String!, $entityName: String!, \
            $projectName: String!, $runName: String!, $type: ArtifactManifestType!, $includeUpload: Boolean!) {
              createArtifactManifest(input: {artifactID: $artifactID, name: $name, digest: $digest, entityName: $entityName, \
            projectName: $projectName, runName: $runName, type: $type}) {
                artifactManifest { id file { id name uploadUrl @include(if: $includeUpload) uploadHeaders @include(if: $includeUpload) } }
              }
            }""";

    static final String CREATE_ARTIFACT_FILES = """
            mutation CreateArtifactFiles($storageLayout: ArtifactStorageLayout!, $artifactFiles: [CreateArtifactFileSpecInput!]!) {
              createArtifactFiles(input: {artifactFiles: $artifactFiles, storageLayout: $storageLayout}) {
                files { edges { node { id name displayName uploadUrl uploadHeaders artifact { id } } } }
              }
            }""";

    static final String UPDATE_ARTIFACT_MANIFEST = """
            mutation UpdateArtifactManifest($artifactManifestID: ID!, $digest: String, $includeUpload: Boolean!) {
              updateArtifactManifest(input: {artifactManifestID: $artifactManifestID, digest: $digest}) {
                artifactManifest { id file { id name uploadUrl @include(if: $includeUpload) uploadHeaders @include(if: $includeUpload) } }
              }
            }""";

    static final String COMMIT_ARTIFACT = """
            mutation CommitArtifact($artifactID: ID!) {
              commitArtifact(input: {artifactID: $artifactID}) { artifact { id digest } }
            }""";
}
