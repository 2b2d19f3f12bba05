// Registers GitLab sources with the platforms that consume them: EnOS Data Source Registration and Torque space repositories, space credentials and repository providers. Implemented as a Pulumi dynamic provider in the npm package pulumi-gitlab-sources; configuration keys are listed in its README.
package gitlabsources
