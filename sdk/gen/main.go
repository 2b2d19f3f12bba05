// Command gen writes the Python and Go SDKs of this package from schema.json with Pulumi's own
// SDK generators (github.com/pulumi/pulumi/pkg/v3/codegen/python and .../codegen/go), as
// `pulumi package gen-sdk` does through the language hosts, which the Go module proxy does not
// serve. Run it through `npm run sdk`; the generated code is never edited by hand.
//
//	go run . <schema.json> <out>   writes <out>/python and <out>/go (each emptied first)
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/blang/semver"
	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	pygen "github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// tool names the generator in the headers of the generated files.
const tool = "pulumi-gitlab-sources sdk/gen (Pulumi codegen v3.274.1)"

// noLoader answers every request for another package with an error: this schema references
// none, and generation must not depend on plugins installed on the machine.
type noLoader struct{}

func (noLoader) refuse(name string) error {
	return fmt.Errorf("schema.json references package %q: sdk/gen loads no other package", name)
}

func (l noLoader) LoadPackage(pkg string, _ *semver.Version) (*schema.Package, error) {
	return nil, l.refuse(pkg)
}

func (l noLoader) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return nil, l.refuse(d.Name)
}

func (l noLoader) LoadPackageReference(pkg string, _ *semver.Version) (schema.PackageReference, error) {
	return nil, l.refuse(pkg)
}

func (l noLoader) LoadPackageReferenceV2(_ context.Context, d *schema.PackageDescriptor) (schema.PackageReference, error) {
	return nil, l.refuse(d.Name)
}

// bind reads and binds the schema as the language hosts' GeneratePackage does; a fresh binding
// per language, since each generator imports its language section into the package.
func bind(schemaPath string) (*schema.Package, error) {
	raw, err := os.ReadFile(schemaPath)
	if err != nil {
		return nil, err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(raw, &spec); err != nil {
		return nil, fmt.Errorf("%s: %w", schemaPath, err)
	}
	pkg, diags, err := schema.BindSpec(spec, noLoader{}, schema.ValidationOptions{AllowDanglingReferences: true})
	if err != nil {
		return nil, err
	}
	if diags.HasErrors() {
		return nil, fmt.Errorf("%s: %w", schemaPath, errors.Join(diags.Errs()...))
	}
	return pkg, nil
}

// write empties dir, then writes files into it (in a stable order).
func write(dir string, files map[string][]byte) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		target := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(target, files[name], 0o644); err != nil {
			return err
		}
	}
	return nil
}

func run(schemaPath, out string) error {
	generators := []struct {
		language string
		generate func(*schema.Package) (map[string][]byte, error)
	}{
		{"python", func(pkg *schema.Package) (map[string][]byte, error) {
			return pygen.GeneratePackage(tool, pkg, nil, noLoader{})
		}},
		{"go", func(pkg *schema.Package) (map[string][]byte, error) {
			return gogen.GeneratePackage(tool, pkg, nil)
		}},
	}
	for _, g := range generators {
		pkg, err := bind(schemaPath)
		if err != nil {
			return err
		}
		files, err := g.generate(pkg)
		if err != nil {
			return fmt.Errorf("%s SDK: %w", g.language, err)
		}
		if err := write(filepath.Join(out, g.language), files); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "sdk/gen: wrote %d files to %s\n", len(files), filepath.Join(out, g.language))
	}
	return nil
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: go run . <schema.json> <out>  (writes <out>/python and <out>/go)")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "sdk/gen:", err)
		os.Exit(1)
	}
}
