// A probe for test/examples.docs.test.ts: the deprecated `provider` argument, which its check must find.
import { torque } from "pulumi-gitlab-sources";

export function deprecatedArgument(gitlab: torque.RepositoryProvider): torque.SpaceRepository {
  return new torque.SpaceRepository("probe", {
    provider: gitlab,
    space: "platform",
    repositoryName: "probe",
    repositoryUrl: "https://gitlab.example.com/platform/probe",
  });
}
