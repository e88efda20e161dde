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
}
