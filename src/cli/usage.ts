export const USAGE = `Usage: wca [options]

Workload Collocation Agent: discovers the tasks on this node, measures them and the platform, runs a
detector or allocator, and stores metrics, anomalies and allocations.

Options:
  -c, --config PATH           YAML config file (owned by you or root, not writable by others; at most
                              4 MiB). Without -c: measure the cgroups below /system.slice, /docker and
                              /machine.slice and print metrics to standard error
  -r, --register MODULE:Class register an external component (repeatable). MODULE is a file path,
                              a file: URL or a module specifier; without :Class every export marked
                              with register() is registered. It runs with the agent's privileges.
  -l, --log-level [MODULE:]LEVEL
                              log level, for 'wca' or for MODULE (repeatable; --log also works).
                              Levels: critical, error, warning, info, debug, trace
  -0, --root                  allow running as root (refused otherwise)
  --host-root DIR             the host's filesystems are under DIR (DIR/proc, DIR/sys, ...), e.g. in
                              a container with the host's / mounted at DIR
  --proc-root, --sys-root, --cgroup-root, --resctrl-root DIR
                              override one of them (defaults /proc, /sys, /sys/fs/cgroup, /sys/fs/resctrl)
  -v, --version               print the versions of wca, Deno, V8 and TypeScript and exit
  -h, --help                  print this help and exit

Environment:
  WCA_DUMP_LOGGERS=True       print the logger tree with effective levels after start-up

Exit codes: 0 ok, 1 runtime or config error, 2 usage error or refused privilege.
`;
