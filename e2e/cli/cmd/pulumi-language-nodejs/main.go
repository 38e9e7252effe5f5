// A minimal Node.js language host for the end-to-end tests.
//
// Pulumi's own host (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3) is a Go module that
// the Go module proxy does not serve (it answers 403 "not available" for every version), so it cannot be
// built here. This host implements the part of the LanguageRuntime gRPC service (sdk/v3 proto/go) that the
// CLI uses for a TypeScript program with npm-installed dependencies:
//
//   - Handshake, GetPluginInfo, About;
//   - GetRequiredPlugins / GetRequiredPackages: the resource plugins named by the `pulumi` field of the
//     package.json files under the program's node_modules, as the real host reports them;
//   - Run: `node @pulumi/pulumi/cmd/run` with the flags and environment (PULUMI_CONFIG,
//     PULUMI_CONFIG_SECRET_KEYS, PULUMI_NODEJS_TYPESCRIPT, PULUMI_NODEJS_TSCONFIG_PATH) that run script reads;
//   - RunPlugin: policy packs through `@pulumi/pulumi/cmd/run-policy-pack`, other plugins through
//     `@pulumi/pulumi/cmd/run-plugin`, streaming their output back;
//   - InstallDependencies: nothing to do, the tests install with `npm ci` first;
//   - GetProgramDependencies: the program's direct dependencies from package.json.
//
// Everything else answers Unimplemented, which the CLI treats as "not supported".
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

// The version this host reports: the version of the CLI it is built with.
var version = "3.0.0"

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	engineAddress string
	nodeBin       string
}

func main() {
	engine := ""
	// The CLI passes flags (-tracing, -root, runtime options) and the engine address last.
	for _, arg := range os.Args[1:] {
		if !strings.HasPrefix(arg, "-") {
			engine = arg
		}
	}
	nodeBin, err := exec.LookPath("node")
	if err != nil {
		fmt.Fprintln(os.Stderr, "could not find node on the $PATH")
		os.Exit(1)
	}
	h := &host{engineAddress: engine, nodeBin: nodeBin}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, h)
			return nil
		},
		Options: rpcutil.OpenTracingServerInterceptorOptions(nil),
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "could not start language host RPC server: %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "language host RPC stopped serving: %v\n", err)
		os.Exit(1)
	}
}

func (h *host) Handshake(ctx context.Context, req *pulumirpc.LanguageHandshakeRequest) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.engineAddress = req.GetEngineAddress()
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *host) GetPluginInfo(ctx context.Context, _ *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

func (h *host) About(ctx context.Context, _ *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	out, err := exec.Command(h.nodeBin, "--version").Output()
	if err != nil {
		return nil, err
	}
	return &pulumirpc.AboutResponse{Executable: h.nodeBin, Version: strings.TrimPrefix(strings.TrimSpace(string(out)), "v")}, nil
}

type packageJSON struct {
	Name            string            `json:"name"`
	Version         string            `json:"version"`
	Dependencies    map[string]string `json:"dependencies"`
	DevDependencies map[string]string `json:"devDependencies"`
	Pulumi          struct {
		Resource bool   `json:"resource"`
		Name     string `json:"name"`
		Version  string `json:"version"`
		Server   string `json:"server"`
	} `json:"pulumi"`
}

// resourcePlugins walks node_modules under dir and returns the plugins its packages declare.
func resourcePlugins(dir string) ([]*pulumirpc.PluginDependency, error) {
	seen := map[string]bool{}
	var plugins []*pulumirpc.PluginDependency
	var walk func(modules string) error
	walk = func(modules string) error {
		entries, err := os.ReadDir(modules)
		if err != nil {
			if os.IsNotExist(err) {
				return nil
			}
			return err
		}
		for _, entry := range entries {
			pkgDir := filepath.Join(modules, entry.Name())
			if info, err := os.Stat(pkgDir); err != nil || !info.IsDir() || entry.Name() == ".bin" {
				continue
			}
			if strings.HasPrefix(entry.Name(), "@") {
				if err := walk(pkgDir); err != nil {
					return err
				}
				continue
			}
			if b, err := os.ReadFile(filepath.Join(pkgDir, "package.json")); err == nil {
				var info packageJSON
				if json.Unmarshal(b, &info) == nil && info.Pulumi.Resource {
					name := info.Pulumi.Name
					if name == "" {
						name = strings.TrimPrefix(strings.TrimPrefix(info.Name, "@pulumi/"), "@")
					}
					v := info.Pulumi.Version
					if v == "" {
						v = info.Version
					}
					if !strings.HasPrefix(v, "v") {
						v = "v" + v
					}
					if key := name + "@" + v; !seen[key] {
						seen[key] = true
						plugins = append(plugins, &pulumirpc.PluginDependency{
							Name: name, Kind: "resource", Version: v, Server: info.Pulumi.Server,
						})
					}
				}
			}
			if err := walk(filepath.Join(pkgDir, "node_modules")); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(filepath.Join(dir, "node_modules")); err != nil {
		return nil, err
	}
	sort.Slice(plugins, func(i, j int) bool { return plugins[i].Name < plugins[j].Name })
	return plugins, nil
}

func programDir(info *pulumirpc.ProgramInfo, fallback string) string {
	if info != nil && info.GetProgramDirectory() != "" {
		return info.GetProgramDirectory()
	}
	return fallback
}

func (h *host) GetRequiredPlugins(ctx context.Context, req *pulumirpc.GetRequiredPluginsRequest) (*pulumirpc.GetRequiredPluginsResponse, error) {
	plugins, err := resourcePlugins(programDir(req.GetInfo(), req.GetProgram()))
	if err != nil {
		return nil, err
	}
	return &pulumirpc.GetRequiredPluginsResponse{Plugins: plugins}, nil
}

func (h *host) GetRequiredPackages(ctx context.Context, req *pulumirpc.GetRequiredPackagesRequest) (*pulumirpc.GetRequiredPackagesResponse, error) {
	plugins, err := resourcePlugins(programDir(req.GetInfo(), ""))
	if err != nil {
		return nil, err
	}
	packages := make([]*pulumirpc.PackageDependency, 0, len(plugins))
	for _, p := range plugins {
		packages = append(packages, &pulumirpc.PackageDependency{Name: p.Name, Kind: p.Kind, Version: p.Version, Server: p.Server})
	}
	return &pulumirpc.GetRequiredPackagesResponse{Packages: packages}, nil
}

func (h *host) GetProgramDependencies(ctx context.Context, req *pulumirpc.GetProgramDependenciesRequest) (*pulumirpc.GetProgramDependenciesResponse, error) {
	dir := programDir(req.GetInfo(), req.GetProgram())
	b, err := os.ReadFile(filepath.Join(dir, "package.json"))
	if err != nil {
		return nil, err
	}
	var pkg packageJSON
	if err := json.Unmarshal(b, &pkg); err != nil {
		return nil, err
	}
	var deps []*pulumirpc.DependencyInfo
	for name := range pkg.Dependencies {
		installed := ""
		if b, err := os.ReadFile(filepath.Join(dir, "node_modules", name, "package.json")); err == nil {
			var info packageJSON
			if json.Unmarshal(b, &info) == nil {
				installed = info.Version
			}
		}
		deps = append(deps, &pulumirpc.DependencyInfo{Name: name, Version: installed})
	}
	sort.Slice(deps, func(i, j int) bool { return deps[i].Name < deps[j].Name })
	return &pulumirpc.GetProgramDependenciesResponse{Dependencies: deps}, nil
}

func (h *host) InstallDependencies(req *pulumirpc.InstallDependenciesRequest, stream grpc.ServerStreamingServer[pulumirpc.InstallDependenciesResponse]) error {
	return nil
}

// resolve finds a module the way `require.resolve` does from dir (the real host does the same).
func (h *host) resolve(dir, module string) (string, error) {
	cmd := exec.Command(h.nodeBin, "-e", fmt.Sprintf("console.log(require.resolve(%q))", module))
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("could not find %s from %s; run npm ci there first: %w", module, dir, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// runtimeEnv turns the project's runtime options into the variables the run scripts read.
func runtimeEnv(info *pulumirpc.ProgramInfo) []string {
	var env []string
	typescript := true
	if info != nil && info.GetOptions() != nil {
		opts := info.GetOptions().AsMap()
		if v, ok := opts["typescript"].(bool); ok {
			typescript = v
		}
		if v, ok := opts["tsconfig"].(string); ok && v != "" {
			env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+v)
		}
	}
	env = append(env, fmt.Sprintf("PULUMI_NODEJS_TYPESCRIPT=%v", typescript))
	return env
}

func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	dir := programDir(req.GetInfo(), req.GetPwd())
	runPath, err := h.resolve(dir, "@pulumi/pulumi/cmd/run")
	if err != nil {
		return nil, err
	}
	args := []string{runPath}
	add := func(k, v string) {
		if v != "" {
			args = append(args, "--"+k, v)
		}
	}
	add("monitor", req.GetMonitorAddress())
	add("engine", h.engineAddress)
	add("organization", req.GetOrganization())
	add("project", req.GetProject())
	add("stack", req.GetStack())
	add("pwd", req.GetPwd())
	if req.GetInfo() != nil {
		add("root-directory", req.GetInfo().GetRootDirectory())
	}
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	if req.GetQueryMode() {
		args = append(args, "--query-mode")
	}
	if req.GetParallel() > 0 {
		add("parallel", fmt.Sprint(req.GetParallel()))
	}
	program := "."
	if req.GetInfo() != nil && req.GetInfo().GetEntryPoint() != "" && req.GetInfo().GetEntryPoint() != "." {
		program = filepath.Join(dir, req.GetInfo().GetEntryPoint())
	} else if req.GetProgram() != "" {
		program = req.GetProgram()
	}
	args = append(args, program)
	args = append(args, req.GetArgs()...)

	config, err := json.Marshal(req.GetConfig())
	if err != nil {
		return nil, err
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secrets, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, err
	}
	env := append(os.Environ(), "PULUMI_CONFIG="+string(config), "PULUMI_CONFIG_SECRET_KEYS="+string(secrets))
	env = append(env, runtimeEnv(req.GetInfo())...)

	cmd := exec.CommandContext(ctx, h.nodeBin, args...)
	cmd.Dir = dir
	cmd.Env = env
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		if exit, ok := err.(*exec.ExitError); ok {
			// 32: the program already printed an error the user can act on (as the real host treats it).
			if status, ok := exit.Sys().(syscall.WaitStatus); ok && status.ExitStatus() == 32 {
				return &pulumirpc.RunResponse{Bail: true}, nil
			}
			return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited with non-zero exit code: %d", exit.ExitCode())}, nil
		}
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("Problem executing program (could not run language executor): %v", err)}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}

func (h *host) RunPlugin(req *pulumirpc.RunPluginRequest, stream grpc.ServerStreamingServer[pulumirpc.RunPluginResponse]) error {
	dir := programDir(req.GetInfo(), req.GetPwd())
	var args []string
	if req.GetKind() == "analyzer" {
		runPath, err := h.resolve(dir, "@pulumi/pulumi/cmd/run-policy-pack")
		if err != nil {
			return err
		}
		args = append([]string{runPath}, req.GetArgs()...)
		args = append(args, ".")
	} else {
		runPath, err := h.resolve(dir, "@pulumi/pulumi/cmd/run-plugin")
		if err != nil {
			return err
		}
		args = append([]string{runPath, dir}, req.GetArgs()...)
	}
	cmd := exec.CommandContext(stream.Context(), h.nodeBin, args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), req.GetEnv()...), runtimeEnv(req.GetInfo())...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	var mu sync.Mutex
	send := func(r *pulumirpc.RunPluginResponse) {
		mu.Lock()
		defer mu.Unlock()
		_ = stream.Send(r)
	}
	var wg sync.WaitGroup
	pump := func(r io.Reader, wrap func([]byte) *pulumirpc.RunPluginResponse) {
		defer wg.Done()
		reader := bufio.NewReader(r)
		buf := make([]byte, 32*1024)
		for {
			n, err := reader.Read(buf)
			if n > 0 {
				send(wrap(append([]byte(nil), buf[:n]...)))
			}
			if err != nil {
				return
			}
		}
	}
	wg.Add(2)
	go pump(stdout, func(b []byte) *pulumirpc.RunPluginResponse {
		return &pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stdout{Stdout: b}}
	})
	go pump(stderr, func(b []byte) *pulumirpc.RunPluginResponse {
		return &pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stderr{Stderr: b}}
	})
	wg.Wait()
	code := 0
	if err := cmd.Wait(); err != nil {
		if exit, ok := err.(*exec.ExitError); ok {
			code = exit.ExitCode()
		} else {
			return err
		}
	}
	send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Exitcode{Exitcode: int32(code)}})
	return nil
}
