// The versioning test's one activity: it names the step and the build id of the worker that
// ran it, so a result shows which version's workers did the work.
export interface VersionedActivities {
  step(name: string): Promise<string>;
  enrich(): Promise<string>;
}

export const versionedActivities = (buildId: string): VersionedActivities => ({
  step: async (name) => `${name}@${buildId}`,
  enrich: async () => `enrich@${buildId}`,
});
