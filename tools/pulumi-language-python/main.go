// Command pulumi-language-python is a minimal Pulumi language host for Python programs.
//
// The upstream host (module github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3)
// is not served by the Go module proxy reachable from our machines, so we build this one
// against the served sdk/v3 module. It implements what the engine needs to run a program:
// Run (through the SDK's own pulumi-language-python-exec launcher), plugin info, and empty
// plugin/dependency discovery (the engine loads resource plugins lazily, and we never
// download plugins). Installing dependencies is the Makefile's job.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

// Exit code the exec script uses after it has already shown the user an actionable message.
const bailExitCode = 32

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	engineAddress string
	execScript    string
	programs      programSet
}

// programSet tracks the program processes this host runs, so they can be killed with it.
type programSet struct {
	mu    sync.Mutex
	procs map[*os.Process]struct{}
}

func (s *programSet) add(p *os.Process) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.procs == nil {
		s.procs = map[*os.Process]struct{}{}
	}
	s.procs[p] = struct{}{}
}

func (s *programSet) remove(p *os.Process) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.procs, p)
}

func (s *programSet) killAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for p := range s.procs {
		_ = p.Kill()
	}
}

// How often the host checks that the engine that started it is still there.
const engineCheckInterval = time.Second

// watchEngine ends this host, and the program it runs, once the engine is gone. A killed CLI
// (SIGKILL, an evicted pipeline pod, a runner timeout) never closes its plugins, and nothing else
// would stop us: upstream hosts poll the engine's health service every 5 minutes, we poll every
// second and also notice the parent (the CLI) going away.
func (h *host) watchEngine() {
	parent := os.Getppid()
	ctx, gone := context.WithCancel(context.Background())
	if err := rpcutil.Healthcheck(ctx, h.engineAddress, engineCheckInterval, gone); err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-python: cannot watch the engine at %s: %v\n", h.engineAddress, err)
		os.Exit(1)
	}
	ticker := time.NewTicker(engineCheckInterval / 2)
	defer ticker.Stop()
	for os.Getppid() == parent {
		select {
		case <-ctx.Done():
			h.programs.killAll()
			os.Exit(1)
		case <-ticker.C:
		}
	}
	h.programs.killAll()
	os.Exit(1)
}

func main() {
	// The engine passes flags (tracing, logging, root) followed by the engine address.
	// We accept and ignore every flag; the last positional argument is the engine address.
	var positional []string
	for _, a := range os.Args[1:] {
		if !strings.HasPrefix(a, "-") {
			positional = append(positional, a)
		}
	}
	if len(positional) == 0 {
		fmt.Fprintln(os.Stderr, "pulumi-language-python: missing engine address")
		os.Exit(1)
	}
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	h := &host{
		engineAddress: positional[len(positional)-1],
		execScript:    filepath.Join(filepath.Dir(self), "pulumi-language-python-exec"),
	}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, h)
			return nil
		},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("%d\n", handle.Port)
	go h.watchEngine()
	if err := <-handle.Done; err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// pythonCommand resolves the interpreter the way the upstream host does for toolchain pip:
// the runtime `virtualenv` option (relative to the project root), else PULUMI_PYTHON_CMD, else python3.
func pythonCommand(info *pulumirpc.ProgramInfo) (python string, env []string, err error) {
	env = os.Environ()
	if info != nil && info.Options != nil {
		if v, ok := info.Options.AsMap()["virtualenv"].(string); ok && v != "" {
			venv := v
			if !filepath.IsAbs(venv) {
				venv = filepath.Join(info.RootDirectory, venv)
			}
			python = filepath.Join(venv, "bin", "python")
			if _, statErr := os.Stat(python); statErr != nil {
				return "", nil, fmt.Errorf(
					"the 'virtualenv' option in Pulumi.yaml is set to %q, but %s does not exist; run `make venv`", v, python)
			}
			env = append(env, "VIRTUAL_ENV="+venv, "PATH="+filepath.Join(venv, "bin")+":"+os.Getenv("PATH"))
			return python, env, nil
		}
	}
	if cmd := os.Getenv("PULUMI_PYTHON_CMD"); cmd != "" {
		return cmd, env, nil
	}
	return "python3", env, nil
}

func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	python, env, err := pythonCommand(req.GetInfo())
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	config := req.GetConfig()
	if config == nil {
		config = map[string]string{}
	}
	configJSON, err := json.Marshal(config)
	if err != nil {
		return nil, err
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secretKeysJSON, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, err
	}
	env = append(env, "PULUMI_CONFIG="+string(configJSON), "PULUMI_CONFIG_SECRET_KEYS="+string(secretKeysJSON))

	program := req.GetProgram()
	rootDir := req.GetPwd()
	if info := req.GetInfo(); info != nil {
		if info.ProgramDirectory != "" {
			program = info.ProgramDirectory
		}
		if info.RootDirectory != "" {
			rootDir = info.RootDirectory
		}
	}
	args := []string{"-u", h.execScript,
		"--monitor", req.GetMonitorAddress(),
		"--engine", h.engineAddress,
		"--project", req.GetProject(),
		"--root_directory", rootDir,
		"--stack", req.GetStack(),
		"--pwd", req.GetPwd(),
		"--dry_run=" + strconv.FormatBool(req.GetDryRun()),
		"--parallel", strconv.Itoa(int(req.GetParallel())),
	}
	if org := req.GetOrganization(); org != "" {
		args = append(args, "--organization", org)
	}
	args = append(args, program)
	args = append(args, req.GetArgs()...)

	cmd := exec.CommandContext(ctx, python, args...)
	cmd.Dir = req.GetPwd()
	cmd.Env = env
	// The engine relays our stdout/stderr as the program's output.
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	// The program dies with this host, also when the host itself is killed.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	err = cmd.Start()
	if err == nil {
		h.programs.add(cmd.Process)
		err = cmd.Wait()
		h.programs.remove(cmd.Process)
	}
	if err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			if exitErr.ExitCode() == bailExitCode {
				return &pulumirpc.RunResponse{Bail: true}, nil
			}
			return &pulumirpc.RunResponse{
				Error: fmt.Sprintf("Program exited with non-zero exit code: %d", exitErr.ExitCode()),
			}, nil
		}
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}

func (h *host) GetRequiredPlugins(context.Context, *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return &pulumirpc.GetRequiredPluginsResponse{}, nil
}

func (h *host) GetRequiredPackages(context.Context, *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return &pulumirpc.GetRequiredPackagesResponse{}, nil
}

func (h *host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version.Version}, nil
}

func (h *host) InstallDependencies(*pulumirpc.InstallDependenciesRequest,
	pulumirpc.LanguageRuntime_InstallDependenciesServer,
) error {
	// Dependencies are installed by `make venv` from pyproject.toml and constraints.txt.
	return nil
}

func (h *host) RuntimeOptionsPrompts(context.Context, *pulumirpc.RuntimeOptionsRequest,
) (*pulumirpc.RuntimeOptionsResponse, error) {
	return &pulumirpc.RuntimeOptionsResponse{}, nil
}

func (h *host) About(_ context.Context, req *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	python, _, err := pythonCommand(req.GetInfo())
	if err != nil {
		return nil, err
	}
	out, err := exec.Command(python, "--version").Output()
	if err != nil {
		return nil, err
	}
	return &pulumirpc.AboutResponse{
		Executable: python,
		Version:    strings.TrimPrefix(strings.TrimSpace(string(out)), "Python "),
	}, nil
}

func (h *host) GetProgramDependencies(context.Context, *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	return &pulumirpc.GetProgramDependenciesResponse{}, nil
}
