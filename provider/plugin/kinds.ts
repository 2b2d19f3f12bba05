import type { Operations } from "../core/provider";
import gitLabDataSource = require("../enos/gitLabDataSource.hooks");
import gitCredential = require("../torque/gitCredential.hooks");
import repositoryProvider = require("../torque/repositoryProvider.hooks");
import spaceRepository = require("../torque/spaceRepository.hooks");

export const PACKAGE = "gitlab-sources";

/** Every resource kind by its type token (`gitlab-sources:torque:SpaceRepository`): the operations dynamic mode runs too. */
export const kinds: ReadonlyMap<string, Operations> = new Map(
  [gitLabDataSource, gitCredential, repositoryProvider, spaceRepository].map(({ operations }) => [`${PACKAGE}:${operations.spec.token}`, operations]),
);
