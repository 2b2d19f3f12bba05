import type { Operations } from "../core/provider";
import { schemaToken } from "../core/spec";
import gitLabDataSource = require("../enos/gitLabDataSource.hooks");
import gitCredential = require("../torque/gitCredential.hooks");
import repositoryProvider = require("../torque/repositoryProvider.hooks");
import spaceRepository = require("../torque/spaceRepository.hooks");

/** Every resource kind by its type token (`gitlab-sources:torque:SpaceRepository`): the operations dynamic mode runs too. */
export const kinds: ReadonlyMap<string, Operations> = new Map(
  [gitLabDataSource, gitCredential, repositoryProvider, spaceRepository].map(({ operations }) => [schemaToken(operations.spec), operations]),
);
