// Registers GitLab sources with the platforms that consume them: EnOS Data Source Registration and Torque space repositories, space credentials and repository providers. A provider plugin (pulumi-resource-gitlab-sources) for every Pulumi language, and dynamic resources for TypeScript, in the npm package pulumi-gitlab-sources.
package gitlabsources
