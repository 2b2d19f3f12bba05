"""Registers GitLab sources with EnOS and Torque from a Python program, through the
gitlab-sources provider plugin and its Python SDK (sdk/python of this repository).

The program runs itself with Pulumi's Automation API (an inline program) instead of through
`pulumi up`, so no Python language host is needed: `python main.py up` does what `pulumi up`
would, in the project of the current folder, on the stack selected there (or --stack).
See README.md.
"""

import argparse
import json
import os
import sys

import pulumi
from pulumi import automation as auto
from pulumi_gitlab_sources import enos, torque


def program() -> None:
    """The resources. The default gitlab-sources provider reads the stack config
    gitlab-sources:torqueUrl, torqueToken, enosApiGateway, enosOrgId, enosAppKey, enosAppSecret."""
    config = pulumi.Config()
    # The GitLab server, with its relative URL root if it has one: https://gitlab.example.com/
    gitlab_url = config.require("gitlabUrl").rstrip("/") + "/"
    # One token with api, read_user and read_repository serves both platforms here.
    token = config.require_secret("gitlabToken")
    space = config.get("torqueSpace") or "platform"

    models = enos.GitLabDataSource(
        "models",
        name="model_repo",
        git_url=f"{gitlab_url}platform/ml/models",
        token=token,
        description="models for line 3",
    )

    gitlab = torque.RepositoryProvider(
        "gitlab",
        base_url=gitlab_url,
        token=token,
        repos=[f"{gitlab_url}platform/infra"],
    )

    infra = torque.SpaceRepository(
        "infra",
        space=space,
        repository_name="infra",
        repository_url=f"{gitlab_url}platform/infra",
        branch="main",
        repository_provider=gitlab,
    )

    # A token stored in the space's credential store: repositories use it by name, and rotating it updates it in place.
    ci = torque.GitCredential(
        "gitlab-ci",
        space=space,
        gitlab_url=gitlab_url,
        token=token,
        description="GitLab token of the space's repositories",
    )

    models_repository = torque.SpaceRepository(
        "models-repository",
        space=space,
        repository_name="models",
        repository_url=f"{gitlab_url}platform/ml/models",
        credential=ci,
    )

    pulumi.export("dataSourceId", models.data_source_id)
    pulumi.export("repositoryProviderId", gitlab.provider_id)
    pulumi.export("infraStatus", infra.status)
    pulumi.export("modelsStatus", models_repository.status)


def main() -> int:
    parser = argparse.ArgumentParser(
        description="Runs the command on the stack selected in this folder (pulumi stack select), "
        'or --stack, as "pulumi <command> --yes" would. PULUMI_COMMAND_ROOT names the Pulumi '
        "installation to use (the folder holding bin/pulumi); default: pulumi on PATH.",
    )
    parser.add_argument("command", choices=["preview", "up", "refresh", "destroy"])
    parser.add_argument("--stack", help="the stack (default: the one selected in this folder)")
    parser.add_argument("--expect-no-changes", action="store_true", help="fail when preview, up or refresh finds changes")
    parser.add_argument("--refresh", action="store_true", help="preview or up: refresh the state first (the drift check: preview --refresh --expect-no-changes)")
    args = parser.parse_args()

    pulumi_command = auto.PulumiCommand(root=os.environ.get("PULUMI_COMMAND_ROOT") or None)
    # The project is this folder's Pulumi.yaml; the program is the function above.
    workspace = auto.LocalWorkspace(work_dir=os.getcwd(), program=program, pulumi_command=pulumi_command)
    stack_name = args.stack
    if not stack_name:
        current = workspace.stack()
        if current is None:
            print("error: no stack selected: run pulumi stack init <name> (or pulumi stack select) here, or pass --stack", file=sys.stderr)
            return 1
        stack_name = current.name
    stack = auto.Stack.select(stack_name, workspace)

    streams = {"on_output": print, "on_error": lambda line: print(line, file=sys.stderr)}
    try:
        if args.command == "preview":
            summary = stack.preview(refresh=args.refresh, expect_no_changes=args.expect_no_changes, **streams).change_summary
        elif args.command == "up":
            summary = stack.up(refresh=args.refresh, expect_no_changes=args.expect_no_changes, **streams).summary.resource_changes
        elif args.command == "refresh":
            summary = stack.refresh(expect_no_changes=args.expect_no_changes, **streams).summary.resource_changes
        else:
            summary = stack.destroy(**streams).summary.resource_changes
    except auto.CommandError:
        # What went wrong is in the output above, as the CLI printed it.
        print(f"error: pulumi {args.command} failed", file=sys.stderr)
        return 1
    # One last line for scripts: the operations and their counts, as JSON.
    print("summary: " + json.dumps({getattr(op, "value", op): n for op, n in (summary or {}).items()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
