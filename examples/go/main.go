// Registers GitLab sources with EnOS and Torque from a Go program, through the gitlab-sources
// provider plugin and its Go SDK (sdk/go of this repository).
//
// The program runs itself with Pulumi's Automation API (an inline program) instead of through
// `pulumi up`, so no Go language host is needed: `go run . up` does what `pulumi up` would, in
// the project of the current folder, on the stack selected there (or --stack). See README.md.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optrefresh"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/pulumi-gitlab-sources/pulumi-gitlab-sources/sdk/go/gitlabsources/enos"
	"github.com/pulumi-gitlab-sources/pulumi-gitlab-sources/sdk/go/gitlabsources/torque"
)

// program declares the resources. The default gitlab-sources provider reads the stack config
// gitlab-sources:torqueUrl, torqueToken, enosApiGateway, enosOrgId, enosAppKey, enosAppSecret.
func program(ctx *pulumi.Context) error {
	cfg := config.New(ctx, "")
	// The GitLab server, with its relative URL root if it has one: https://gitlab.example.com/
	gitlabURL := strings.TrimRight(cfg.Require("gitlabUrl"), "/") + "/"
	// One token with api, read_user and read_repository serves both platforms here.
	token := cfg.RequireSecret("gitlabToken")
	space := cfg.Get("torqueSpace")
	if space == "" {
		space = "platform"
	}

	models, err := enos.NewGitLabDataSource(ctx, "models", &enos.GitLabDataSourceArgs{
		Name:        pulumi.String("model_repo"),
		GitUrl:      pulumi.String(gitlabURL + "platform/ml/models"),
		Token:       token,
		Description: pulumi.String("models for line 3"),
	})
	if err != nil {
		return err
	}

	gitlab, err := torque.NewRepositoryProvider(ctx, "gitlab", &torque.RepositoryProviderArgs{
		BaseUrl: pulumi.String(gitlabURL),
		Token:   token,
		Repos:   pulumi.StringArray{pulumi.String(gitlabURL + "platform/infra")},
	})
	if err != nil {
		return err
	}

	infra, err := torque.NewSpaceRepository(ctx, "infra", &torque.SpaceRepositoryArgs{
		Space:              pulumi.String(space),
		RepositoryName:     pulumi.String("infra"),
		RepositoryUrl:      pulumi.String(gitlabURL + "platform/infra"),
		Branch:             pulumi.String("main"),
		RepositoryProvider: gitlab,
	})
	if err != nil {
		return err
	}

	// A token stored in the space's credential store: repositories use it by name, and rotating it updates it in place.
	ci, err := torque.NewGitCredential(ctx, "gitlab-ci", &torque.GitCredentialArgs{
		Space:       pulumi.String(space),
		GitlabUrl:   pulumi.String(gitlabURL),
		Token:       token,
		Description: pulumi.String("GitLab token of the space's repositories"),
	})
	if err != nil {
		return err
	}

	modelsRepository, err := torque.NewSpaceRepository(ctx, "models-repository", &torque.SpaceRepositoryArgs{
		Space:          pulumi.String(space),
		RepositoryName: pulumi.String("models"),
		RepositoryUrl:  pulumi.String(gitlabURL + "platform/ml/models"),
		Credential:     ci,
	})
	if err != nil {
		return err
	}

	ctx.Export("dataSourceId", models.DataSourceId)
	ctx.Export("repositoryProviderId", gitlab.ProviderId)
	ctx.Export("infraStatus", infra.Status)
	ctx.Export("modelsStatus", modelsRepository.Status)
	return nil
}

const usage = `usage: go run . [--stack NAME] [--expect-no-changes] preview|up|refresh|destroy

Runs the command on the stack selected in this folder (pulumi stack select), or --stack, as
"pulumi <command> --yes" would. PULUMI_COMMAND_ROOT names the Pulumi installation to use (the
folder holding bin/pulumi); default: pulumi on PATH.`

func run() error {
	stackName := flag.String("stack", "", "the stack (default: the one selected in this folder)")
	expectNoChanges := flag.Bool("expect-no-changes", false, "fail when preview, up or refresh finds changes")
	flag.Usage = func() { fmt.Fprintln(os.Stderr, usage) }
	// Flags before or after the command, as the pulumi CLI takes them.
	var flags, positional []string
	for args := os.Args[1:]; len(args) > 0; args = args[1:] {
		switch {
		case (args[0] == "--stack" || args[0] == "-stack") && len(args) > 1:
			flags, args = append(flags, args[0], args[1]), args[1:]
		case strings.HasPrefix(args[0], "-"):
			flags = append(flags, args[0])
		default:
			positional = append(positional, args[0])
		}
	}
	if err := flag.CommandLine.Parse(flags); err != nil || len(positional) != 1 {
		flag.Usage()
		os.Exit(2)
	}
	command := positional[0]
	ctx := context.Background()

	workDir, err := os.Getwd()
	if err != nil {
		return err
	}
	pulumiCommand, err := auto.NewPulumiCommand(&auto.PulumiCommandOptions{Root: os.Getenv("PULUMI_COMMAND_ROOT")})
	if err != nil {
		return err
	}
	// The project is this folder's Pulumi.yaml; the program is the function above.
	ws, err := auto.NewLocalWorkspace(ctx, auto.WorkDir(workDir), auto.Program(program), auto.Pulumi(pulumiCommand))
	if err != nil {
		return err
	}
	if *stackName == "" {
		current, err := ws.Stack(ctx)
		if err != nil {
			return err
		}
		if current == nil {
			return errors.New("no stack selected: run pulumi stack init <name> (or pulumi stack select) here, or pass --stack")
		}
		*stackName = current.Name
	}
	stack, err := auto.SelectStack(ctx, *stackName, ws)
	if err != nil {
		return err
	}

	var summary any
	switch command {
	case "preview":
		opts := []optpreview.Option{optpreview.ProgressStreams(os.Stdout), optpreview.ErrorProgressStreams(os.Stderr)}
		if *expectNoChanges {
			opts = append(opts, optpreview.ExpectNoChanges())
		}
		res, err := stack.Preview(ctx, opts...)
		if err != nil {
			return err
		}
		summary = res.ChangeSummary
	case "up":
		opts := []optup.Option{optup.ProgressStreams(os.Stdout), optup.ErrorProgressStreams(os.Stderr)}
		if *expectNoChanges {
			opts = append(opts, optup.ExpectNoChanges())
		}
		res, err := stack.Up(ctx, opts...)
		if err != nil {
			return err
		}
		summary = res.Summary.ResourceChanges
	case "refresh":
		opts := []optrefresh.Option{optrefresh.ProgressStreams(os.Stdout), optrefresh.ErrorProgressStreams(os.Stderr)}
		if *expectNoChanges {
			opts = append(opts, optrefresh.ExpectNoChanges())
		}
		res, err := stack.Refresh(ctx, opts...)
		if err != nil {
			return err
		}
		summary = res.Summary.ResourceChanges
	case "destroy":
		res, err := stack.Destroy(ctx, optdestroy.ProgressStreams(os.Stdout), optdestroy.ErrorProgressStreams(os.Stderr))
		if err != nil {
			return err
		}
		summary = res.Summary.ResourceChanges
	default:
		flag.Usage()
		os.Exit(2)
	}
	// One last line for scripts: the operations and their counts, as JSON.
	line, err := json.Marshal(summary)
	if err != nil {
		return err
	}
	fmt.Printf("summary: %s\n", line)
	return nil
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}
