# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_tcfg_global_optspecs
    string join \n temporal-version= schema= color= log-format= endpoints= prefix= cacert= cert= key= user= password= dial-timeout= command-timeout= config= cluster= history-prefix= history-keep= history-max-age= require-message= h/help V/version
end

function __fish_tcfg_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_tcfg_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_tcfg_using_subcommand
    set -l cmd (__fish_tcfg_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c tcfg -n "__fish_tcfg_needs_command" -l temporal-version -d 'Temporal release whose keys apply (1.27 to 1.31; default: the newest), or OLD..NEW during a rolling upgrade (the config must suit both)' -r
complete -c tcfg -n "__fish_tcfg_needs_command" -l schema -d 'Key registry file (TSV: key, type, precedence, default, constrained_defaults) for a custom or newer server build' -r -F
complete -c tcfg -n "__fish_tcfg_needs_command" -l color -d 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tcfg -n "__fish_tcfg_needs_command" -l log-format -d 'Log lines (TCFG_LOG=debug; `render --follow` logs at info) as text or JSON, one object per line' -r -f -a "text\t''
json\t''"
complete -c tcfg -n "__fish_tcfg_needs_command" -l endpoints -d 'etcd endpoints, host:port or http(s):// URLs, comma-separated [default: 127.0.0.1:2379]' -r
complete -c tcfg -n "__fish_tcfg_needs_command" -l prefix -d 'Key prefix of the dynamic config (a trailing / is added) [default: /temporal/dynamicconfig/]' -r
complete -c tcfg -n "__fish_tcfg_needs_command" -l cacert -d 'CA certificate (PEM) that signed the etcd server certificates' -r -F
complete -c tcfg -n "__fish_tcfg_needs_command" -l cert -d 'Client certificate (PEM) for mutual TLS' -r -F
complete -c tcfg -n "__fish_tcfg_needs_command" -l key -d 'Client private key (PEM) for mutual TLS' -r -F
complete -c tcfg -n "__fish_tcfg_needs_command" -l user -d 'etcd user (also `name:password`); the password is prompted for on a terminal when not given' -r
complete -c tcfg -n "__fish_tcfg_needs_command" -l password -d 'etcd password' -r
complete -c tcfg -n "__fish_tcfg_needs_command" -l dial-timeout -d 'Time to establish a connection [default: 2s]' -r
complete -c tcfg -n "__fish_tcfg_needs_command" -l command-timeout -d 'Time for one command\'s requests [default: 5s]' -r
complete -c tcfg -n "__fish_tcfg_needs_command" -l config -d 'The seed library\'s YAML config file (etcdConfigs, globalKeyPrefix, TLS files) [default: $XDG_CONFIG_HOME/tcfg/config.yaml when present]' -r -F
complete -c tcfg -n "__fish_tcfg_needs_command" -l cluster -d 'Which etcdConfigs entry of the config file to use [default: the first]' -r
complete -c tcfg -n "__fish_tcfg_needs_command" -l history-prefix -d 'Where change records go [default: beside the prefix, e.g. /temporal/dynamicconfig.history/]' -r
complete -c tcfg -n "__fish_tcfg_needs_command" -l history-keep -d 'Keep the newest N change records; a writer prunes older ones (0: no limit) [default: 10000]' -r
complete -c tcfg -n "__fish_tcfg_needs_command" -l history-max-age -d 'Keep change records no older than this, e.g. 90d (0: no limit) [default: 365d]' -r
complete -c tcfg -n "__fish_tcfg_needs_command" -l require-message -d 'Refuse writes without -m/--message' -r -f -a "true\t''
false\t''"
complete -c tcfg -n "__fish_tcfg_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tcfg -n "__fish_tcfg_needs_command" -s V -l version -d 'Print version'
complete -c tcfg -n "__fish_tcfg_needs_command" -f -a "validate" -d 'Check dynamic config files as Temporal would read them, and for what Temporal misses'
complete -c tcfg -n "__fish_tcfg_needs_command" -f -a "keys" -d 'List the keys a Temporal release registers, or show one key in full'
complete -c tcfg -n "__fish_tcfg_needs_command" -f -a "get" -d 'Show a key\'s stored items, or its effective value for a namespace, task queue...'
complete -c tcfg -n "__fish_tcfg_needs_command" -f -a "put" -d 'Set one item of a key (or, with -f, its whole list)'
complete -c tcfg -n "__fish_tcfg_needs_command" -f -a "delete" -d 'Remove one item of a key, or the whole key with --all'
complete -c tcfg -n "__fish_tcfg_needs_command" -f -a "edit" -d 'Edit a key\'s items (or one item\'s value) in your editor, validated before it is written'
complete -c tcfg -n "__fish_tcfg_needs_command" -f -a "dump" -d 'Print every key under the prefix as one document'
complete -c tcfg -n "__fish_tcfg_needs_command" -f -a "diff" -d 'Show what apply would change (exit 0: nothing, 2: changes)'
complete -c tcfg -n "__fish_tcfg_needs_command" -f -a "apply" -d 'Make the prefix hold the given files, in one atomic, conflict-checked transaction'
complete -c tcfg -n "__fish_tcfg_needs_command" -f -a "sync" -d 'Make other prefixes (clusters) identical to a source prefix'
complete -c tcfg -n "__fish_tcfg_needs_command" -f -a "watch" -d 'Follow changes as they happen (several prefixes at once, with drift reports)'
complete -c tcfg -n "__fish_tcfg_needs_command" -f -a "render" -d 'Write the prefix as the YAML file a stock Temporal server reads (dynamicConfigClient.filepath)'
complete -c tcfg -n "__fish_tcfg_needs_command" -f -a "log" -d 'Who changed what, when and why: the changes under the prefix, newest first'
complete -c tcfg -n "__fish_tcfg_needs_command" -f -a "show" -d 'One change in full: its record and its diff'
complete -c tcfg -n "__fish_tcfg_needs_command" -f -a "revert" -d 'Undo one change (the keys it touched), with compare-and-swap'
complete -c tcfg -n "__fish_tcfg_needs_command" -f -a "rollback" -d 'Make the prefix (or some keys) what it was at a revision or time'
complete -c tcfg -n "__fish_tcfg_needs_command" -f -a "overrides" -d 'Incident overrides in force (writes made with --for or --until): list, extend, end'
complete -c tcfg -n "__fish_tcfg_needs_command" -f -a "expire" -d 'Restore every incident override that is due (for cron or a CI schedule)'
complete -c tcfg -n "__fish_tcfg_needs_command" -f -a "freeze" -d 'Refuse every write to the prefix for a while (a release freeze), but --break-freeze'
complete -c tcfg -n "__fish_tcfg_needs_command" -f -a "unfreeze" -d 'Lift a freeze'
complete -c tcfg -n "__fish_tcfg_needs_command" -f -a "status" -d 'Every etcd cluster and prefix at a glance: members, alarms, compaction, drift, renderers'
complete -c tcfg -n "__fish_tcfg_needs_command" -f -a "clusters" -d 'Where tcfg connects: the config file\'s clusters, the current one, and where each setting comes from'
complete -c tcfg -n "__fish_tcfg_needs_command" -f -a "upgrade-check" -d 'What a config needs before the servers move to another Temporal release, and the plans that migrate it'
complete -c tcfg -n "__fish_tcfg_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c tcfg -n "__fish_tcfg_needs_command" -f -a "reference" -d 'Write the command reference and man pages (for maintainers)'
complete -c tcfg -n "__fish_tcfg_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tcfg -n "__fish_tcfg_using_subcommand validate" -s f -l file -d 'Files to check (YAML or JSON; `-` reads standard input). Together they form one config' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand validate" -s o -l output -d 'Report format: text findings on stderr, or one JSON report on stdout' -r -f -a "text\t''
json\t''
github\t'GitHub Actions annotations'"
complete -c tcfg -n "__fish_tcfg_using_subcommand validate" -l temporal-version -d 'Temporal release whose keys apply (1.27 to 1.31; default: the newest), or OLD..NEW during a rolling upgrade (the config must suit both)' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand validate" -l schema -d 'Key registry file (TSV: key, type, precedence, default, constrained_defaults) for a custom or newer server build' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand validate" -l color -d 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand validate" -l log-format -d 'Log lines (TCFG_LOG=debug; `render --follow` logs at info) as text or JSON, one object per line' -r -f -a "text\t''
json\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand validate" -l endpoints -d 'etcd endpoints, host:port or http(s):// URLs, comma-separated [default: 127.0.0.1:2379]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand validate" -l prefix -d 'Key prefix of the dynamic config (a trailing / is added) [default: /temporal/dynamicconfig/]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand validate" -l cacert -d 'CA certificate (PEM) that signed the etcd server certificates' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand validate" -l cert -d 'Client certificate (PEM) for mutual TLS' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand validate" -l key -d 'Client private key (PEM) for mutual TLS' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand validate" -l user -d 'etcd user (also `name:password`); the password is prompted for on a terminal when not given' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand validate" -l password -d 'etcd password' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand validate" -l dial-timeout -d 'Time to establish a connection [default: 2s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand validate" -l command-timeout -d 'Time for one command\'s requests [default: 5s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand validate" -l config -d 'The seed library\'s YAML config file (etcdConfigs, globalKeyPrefix, TLS files) [default: $XDG_CONFIG_HOME/tcfg/config.yaml when present]' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand validate" -l cluster -d 'Which etcdConfigs entry of the config file to use [default: the first]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand validate" -l history-prefix -d 'Where change records go [default: beside the prefix, e.g. /temporal/dynamicconfig.history/]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand validate" -l history-keep -d 'Keep the newest N change records; a writer prunes older ones (0: no limit) [default: 10000]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand validate" -l history-max-age -d 'Keep change records no older than this, e.g. 90d (0: no limit) [default: 365d]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand validate" -l require-message -d 'Refuse writes without -m/--message' -r -f -a "true\t''
false\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand validate" -l strict -d 'Fail on warnings too (notes never fail)'
complete -c tcfg -n "__fish_tcfg_using_subcommand validate" -l allow-unknown-keys -d 'Report unknown keys as warnings, for custom server builds with keys of their own'
complete -c tcfg -n "__fish_tcfg_using_subcommand validate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tcfg -n "__fish_tcfg_using_subcommand validate" -s V -l version -d 'Print version'
complete -c tcfg -n "__fish_tcfg_using_subcommand keys" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand keys" -l search -d 'Keys whose name or description (from Temporal\'s source) holds every word of TEXT, any case' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand keys" -l type -d 'Only keys of this type (bool, int, float, string, duration, map, typed)' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand keys" -l precedence -d 'Only keys of this precedence (global, namespace, namespaceId, taskQueue, shardId, taskType, destination, chasmTaskType)' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand keys" -l temporal-version -d 'Temporal release whose keys apply (1.27 to 1.31; default: the newest), or OLD..NEW during a rolling upgrade (the config must suit both)' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand keys" -l schema -d 'Key registry file (TSV: key, type, precedence, default, constrained_defaults) for a custom or newer server build' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand keys" -l color -d 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand keys" -l log-format -d 'Log lines (TCFG_LOG=debug; `render --follow` logs at info) as text or JSON, one object per line' -r -f -a "text\t''
json\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand keys" -l endpoints -d 'etcd endpoints, host:port or http(s):// URLs, comma-separated [default: 127.0.0.1:2379]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand keys" -l prefix -d 'Key prefix of the dynamic config (a trailing / is added) [default: /temporal/dynamicconfig/]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand keys" -l cacert -d 'CA certificate (PEM) that signed the etcd server certificates' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand keys" -l cert -d 'Client certificate (PEM) for mutual TLS' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand keys" -l key -d 'Client private key (PEM) for mutual TLS' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand keys" -l user -d 'etcd user (also `name:password`); the password is prompted for on a terminal when not given' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand keys" -l password -d 'etcd password' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand keys" -l dial-timeout -d 'Time to establish a connection [default: 2s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand keys" -l command-timeout -d 'Time for one command\'s requests [default: 5s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand keys" -l config -d 'The seed library\'s YAML config file (etcdConfigs, globalKeyPrefix, TLS files) [default: $XDG_CONFIG_HOME/tcfg/config.yaml when present]' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand keys" -l cluster -d 'Which etcdConfigs entry of the config file to use [default: the first]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand keys" -l history-prefix -d 'Where change records go [default: beside the prefix, e.g. /temporal/dynamicconfig.history/]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand keys" -l history-keep -d 'Keep the newest N change records; a writer prunes older ones (0: no limit) [default: 10000]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand keys" -l history-max-age -d 'Keep change records no older than this, e.g. 90d (0: no limit) [default: 365d]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand keys" -l require-message -d 'Refuse writes without -m/--message' -r -f -a "true\t''
false\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand keys" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tcfg -n "__fish_tcfg_using_subcommand keys" -s V -l version -d 'Print version'
complete -c tcfg -n "__fish_tcfg_using_subcommand get" -l namespace -d 'Namespace name' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand get" -l namespace-id -d 'Namespace ID' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand get" -l task-queue -d 'Task queue name (a partition such as /_sys/orders/3 counts as its base name)' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand get" -l task-type -d 'Task queue type: Workflow, Activity or Nexus' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand get" -l history-task-type -d 'History task type, such as TransferActivityTask or UserTimer' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand get" -l shard-id -d 'History shard ID' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand get" -l destination -d 'Nexus or callback destination' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand get" -l chasm-task-type -d 'CHASM task type' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand get" -l at -l revision -d 'Read as of this point: an etcd revision (1234), a duration ago (2h) or an RFC 3339 time, while etcd keeps it' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand get" -s o -l output -d 'Output format [default: table on a terminal, yaml otherwise]' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand get" -l temporal-version -d 'Temporal release whose keys apply (1.27 to 1.31; default: the newest), or OLD..NEW during a rolling upgrade (the config must suit both)' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand get" -l schema -d 'Key registry file (TSV: key, type, precedence, default, constrained_defaults) for a custom or newer server build' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand get" -l color -d 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand get" -l log-format -d 'Log lines (TCFG_LOG=debug; `render --follow` logs at info) as text or JSON, one object per line' -r -f -a "text\t''
json\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand get" -l endpoints -d 'etcd endpoints, host:port or http(s):// URLs, comma-separated [default: 127.0.0.1:2379]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand get" -l prefix -d 'Key prefix of the dynamic config (a trailing / is added) [default: /temporal/dynamicconfig/]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand get" -l cacert -d 'CA certificate (PEM) that signed the etcd server certificates' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand get" -l cert -d 'Client certificate (PEM) for mutual TLS' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand get" -l key -d 'Client private key (PEM) for mutual TLS' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand get" -l user -d 'etcd user (also `name:password`); the password is prompted for on a terminal when not given' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand get" -l password -d 'etcd password' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand get" -l dial-timeout -d 'Time to establish a connection [default: 2s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand get" -l command-timeout -d 'Time for one command\'s requests [default: 5s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand get" -l config -d 'The seed library\'s YAML config file (etcdConfigs, globalKeyPrefix, TLS files) [default: $XDG_CONFIG_HOME/tcfg/config.yaml when present]' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand get" -l cluster -d 'Which etcdConfigs entry of the config file to use [default: the first]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand get" -l history-prefix -d 'Where change records go [default: beside the prefix, e.g. /temporal/dynamicconfig.history/]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand get" -l history-keep -d 'Keep the newest N change records; a writer prunes older ones (0: no limit) [default: 10000]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand get" -l history-max-age -d 'Keep change records no older than this, e.g. 90d (0: no limit) [default: 365d]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand get" -l require-message -d 'Refuse writes without -m/--message' -r -f -a "true\t''
false\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand get" -l raw -d 'The stored text exactly, byte for byte (on a terminal, control characters escaped)'
complete -c tcfg -n "__fish_tcfg_using_subcommand get" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tcfg -n "__fish_tcfg_using_subcommand get" -s V -l version -d 'Print version'
complete -c tcfg -n "__fish_tcfg_using_subcommand put" -s f -l file -d 'Replace the key\'s whole list with the items in this file (`-` for stdin)' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand put" -l namespace -d 'Namespace name' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand put" -l namespace-id -d 'Namespace ID' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand put" -l task-queue -d 'Task queue name (a partition such as /_sys/orders/3 counts as its base name)' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand put" -l task-type -d 'Task queue type: Workflow, Activity or Nexus' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand put" -l history-task-type -d 'History task type, such as TransferActivityTask or UserTimer' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand put" -l shard-id -d 'History shard ID' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand put" -l destination -d 'Nexus or callback destination' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand put" -l chasm-task-type -d 'CHASM task type' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand put" -s m -l message -d 'Why: kept in the change record (`tcfg log`) with the author and the change' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand put" -l wait -d 'After writing, wait until every renderer of the prefix (`tcfg render --follow`) reports the write, for at most TIMEOUT [default: 60s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand put" -l for -d 'Make it an incident override that ends after DURATION (2h, 30m): then `tcfg expire` restores the item as it was, unless someone changed it since (needs -m)' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand put" -l until -d 'Make it an incident override that ends at TIME (RFC 3339, such as 2026-12-06T18:00:00Z)' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand put" -l temporal-version -d 'Temporal release whose keys apply (1.27 to 1.31; default: the newest), or OLD..NEW during a rolling upgrade (the config must suit both)' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand put" -l schema -d 'Key registry file (TSV: key, type, precedence, default, constrained_defaults) for a custom or newer server build' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand put" -l color -d 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand put" -l log-format -d 'Log lines (TCFG_LOG=debug; `render --follow` logs at info) as text or JSON, one object per line' -r -f -a "text\t''
json\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand put" -l endpoints -d 'etcd endpoints, host:port or http(s):// URLs, comma-separated [default: 127.0.0.1:2379]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand put" -l prefix -d 'Key prefix of the dynamic config (a trailing / is added) [default: /temporal/dynamicconfig/]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand put" -l cacert -d 'CA certificate (PEM) that signed the etcd server certificates' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand put" -l cert -d 'Client certificate (PEM) for mutual TLS' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand put" -l key -d 'Client private key (PEM) for mutual TLS' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand put" -l user -d 'etcd user (also `name:password`); the password is prompted for on a terminal when not given' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand put" -l password -d 'etcd password' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand put" -l dial-timeout -d 'Time to establish a connection [default: 2s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand put" -l command-timeout -d 'Time for one command\'s requests [default: 5s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand put" -l config -d 'The seed library\'s YAML config file (etcdConfigs, globalKeyPrefix, TLS files) [default: $XDG_CONFIG_HOME/tcfg/config.yaml when present]' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand put" -l cluster -d 'Which etcdConfigs entry of the config file to use [default: the first]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand put" -l history-prefix -d 'Where change records go [default: beside the prefix, e.g. /temporal/dynamicconfig.history/]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand put" -l history-keep -d 'Keep the newest N change records; a writer prunes older ones (0: no limit) [default: 10000]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand put" -l history-max-age -d 'Keep change records no older than this, e.g. 90d (0: no limit) [default: 365d]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand put" -l require-message -d 'Refuse writes without -m/--message' -r -f -a "true\t''
false\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand put" -s y -l yes -d 'Do not ask for confirmation (needed when standard input is not a terminal)'
complete -c tcfg -n "__fish_tcfg_using_subcommand put" -l dry-run -d 'Show the plan on stdout and write nothing; exit status 2 when there are changes, 0 when none'
complete -c tcfg -n "__fish_tcfg_using_subcommand put" -l break-freeze -d 'Write even though the prefix is frozen (tcfg freeze); needs -m, and the change record says so'
complete -c tcfg -n "__fish_tcfg_using_subcommand put" -l allow-unknown-keys -d 'Accept a key the release does not register (custom server builds)'
complete -c tcfg -n "__fish_tcfg_using_subcommand put" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tcfg -n "__fish_tcfg_using_subcommand put" -s V -l version -d 'Print version'
complete -c tcfg -n "__fish_tcfg_using_subcommand delete" -l namespace -d 'Namespace name' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand delete" -l namespace-id -d 'Namespace ID' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand delete" -l task-queue -d 'Task queue name (a partition such as /_sys/orders/3 counts as its base name)' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand delete" -l task-type -d 'Task queue type: Workflow, Activity or Nexus' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand delete" -l history-task-type -d 'History task type, such as TransferActivityTask or UserTimer' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand delete" -l shard-id -d 'History shard ID' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand delete" -l destination -d 'Nexus or callback destination' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand delete" -l chasm-task-type -d 'CHASM task type' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand delete" -s m -l message -d 'Why: kept in the change record (`tcfg log`) with the author and the change' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand delete" -l wait -d 'After writing, wait until every renderer of the prefix (`tcfg render --follow`) reports the write, for at most TIMEOUT [default: 60s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand delete" -l for -d 'Make it an incident override that ends after DURATION (2h, 30m): then `tcfg expire` restores the item as it was, unless someone changed it since (needs -m)' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand delete" -l until -d 'Make it an incident override that ends at TIME (RFC 3339, such as 2026-12-06T18:00:00Z)' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand delete" -l temporal-version -d 'Temporal release whose keys apply (1.27 to 1.31; default: the newest), or OLD..NEW during a rolling upgrade (the config must suit both)' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand delete" -l schema -d 'Key registry file (TSV: key, type, precedence, default, constrained_defaults) for a custom or newer server build' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand delete" -l color -d 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand delete" -l log-format -d 'Log lines (TCFG_LOG=debug; `render --follow` logs at info) as text or JSON, one object per line' -r -f -a "text\t''
json\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand delete" -l endpoints -d 'etcd endpoints, host:port or http(s):// URLs, comma-separated [default: 127.0.0.1:2379]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand delete" -l prefix -d 'Key prefix of the dynamic config (a trailing / is added) [default: /temporal/dynamicconfig/]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand delete" -l cacert -d 'CA certificate (PEM) that signed the etcd server certificates' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand delete" -l cert -d 'Client certificate (PEM) for mutual TLS' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand delete" -l key -d 'Client private key (PEM) for mutual TLS' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand delete" -l user -d 'etcd user (also `name:password`); the password is prompted for on a terminal when not given' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand delete" -l password -d 'etcd password' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand delete" -l dial-timeout -d 'Time to establish a connection [default: 2s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand delete" -l command-timeout -d 'Time for one command\'s requests [default: 5s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand delete" -l config -d 'The seed library\'s YAML config file (etcdConfigs, globalKeyPrefix, TLS files) [default: $XDG_CONFIG_HOME/tcfg/config.yaml when present]' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand delete" -l cluster -d 'Which etcdConfigs entry of the config file to use [default: the first]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand delete" -l history-prefix -d 'Where change records go [default: beside the prefix, e.g. /temporal/dynamicconfig.history/]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand delete" -l history-keep -d 'Keep the newest N change records; a writer prunes older ones (0: no limit) [default: 10000]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand delete" -l history-max-age -d 'Keep change records no older than this, e.g. 90d (0: no limit) [default: 365d]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand delete" -l require-message -d 'Refuse writes without -m/--message' -r -f -a "true\t''
false\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand delete" -l all -d 'Delete the whole key, every item of it'
complete -c tcfg -n "__fish_tcfg_using_subcommand delete" -s y -l yes -d 'Do not ask for confirmation (needed when standard input is not a terminal)'
complete -c tcfg -n "__fish_tcfg_using_subcommand delete" -l dry-run -d 'Show the plan on stdout and write nothing; exit status 2 when there are changes, 0 when none'
complete -c tcfg -n "__fish_tcfg_using_subcommand delete" -l break-freeze -d 'Write even though the prefix is frozen (tcfg freeze); needs -m, and the change record says so'
complete -c tcfg -n "__fish_tcfg_using_subcommand delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tcfg -n "__fish_tcfg_using_subcommand delete" -s V -l version -d 'Print version'
complete -c tcfg -n "__fish_tcfg_using_subcommand edit" -l namespace -d 'Namespace name' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand edit" -l namespace-id -d 'Namespace ID' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand edit" -l task-queue -d 'Task queue name (a partition such as /_sys/orders/3 counts as its base name)' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand edit" -l task-type -d 'Task queue type: Workflow, Activity or Nexus' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand edit" -l history-task-type -d 'History task type, such as TransferActivityTask or UserTimer' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand edit" -l shard-id -d 'History shard ID' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand edit" -l destination -d 'Nexus or callback destination' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand edit" -l chasm-task-type -d 'CHASM task type' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand edit" -s m -l message -d 'Why: kept in the change record (`tcfg log`) with the author and the change' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand edit" -l wait -d 'After writing, wait until every renderer of the prefix (`tcfg render --follow`) reports the write, for at most TIMEOUT [default: 60s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand edit" -l temporal-version -d 'Temporal release whose keys apply (1.27 to 1.31; default: the newest), or OLD..NEW during a rolling upgrade (the config must suit both)' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand edit" -l schema -d 'Key registry file (TSV: key, type, precedence, default, constrained_defaults) for a custom or newer server build' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand edit" -l color -d 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand edit" -l log-format -d 'Log lines (TCFG_LOG=debug; `render --follow` logs at info) as text or JSON, one object per line' -r -f -a "text\t''
json\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand edit" -l endpoints -d 'etcd endpoints, host:port or http(s):// URLs, comma-separated [default: 127.0.0.1:2379]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand edit" -l prefix -d 'Key prefix of the dynamic config (a trailing / is added) [default: /temporal/dynamicconfig/]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand edit" -l cacert -d 'CA certificate (PEM) that signed the etcd server certificates' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand edit" -l cert -d 'Client certificate (PEM) for mutual TLS' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand edit" -l key -d 'Client private key (PEM) for mutual TLS' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand edit" -l user -d 'etcd user (also `name:password`); the password is prompted for on a terminal when not given' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand edit" -l password -d 'etcd password' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand edit" -l dial-timeout -d 'Time to establish a connection [default: 2s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand edit" -l command-timeout -d 'Time for one command\'s requests [default: 5s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand edit" -l config -d 'The seed library\'s YAML config file (etcdConfigs, globalKeyPrefix, TLS files) [default: $XDG_CONFIG_HOME/tcfg/config.yaml when present]' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand edit" -l cluster -d 'Which etcdConfigs entry of the config file to use [default: the first]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand edit" -l history-prefix -d 'Where change records go [default: beside the prefix, e.g. /temporal/dynamicconfig.history/]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand edit" -l history-keep -d 'Keep the newest N change records; a writer prunes older ones (0: no limit) [default: 10000]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand edit" -l history-max-age -d 'Keep change records no older than this, e.g. 90d (0: no limit) [default: 365d]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand edit" -l require-message -d 'Refuse writes without -m/--message' -r -f -a "true\t''
false\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand edit" -s y -l yes -d 'Do not ask for confirmation (needed when standard input is not a terminal)'
complete -c tcfg -n "__fish_tcfg_using_subcommand edit" -l dry-run -d 'Show the plan on stdout and write nothing; exit status 2 when there are changes, 0 when none'
complete -c tcfg -n "__fish_tcfg_using_subcommand edit" -l break-freeze -d 'Write even though the prefix is frozen (tcfg freeze); needs -m, and the change record says so'
complete -c tcfg -n "__fish_tcfg_using_subcommand edit" -l allow-unknown-keys -d 'Accept a key the release does not register (custom server builds)'
complete -c tcfg -n "__fish_tcfg_using_subcommand edit" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tcfg -n "__fish_tcfg_using_subcommand edit" -s V -l version -d 'Print version'
complete -c tcfg -n "__fish_tcfg_using_subcommand dump" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand dump" -l at -l revision -d 'Read as of this point: an etcd revision (1234), a duration ago (2h) or an RFC 3339 time, while etcd keeps it' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand dump" -l temporal-version -d 'Temporal release whose keys apply (1.27 to 1.31; default: the newest), or OLD..NEW during a rolling upgrade (the config must suit both)' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand dump" -l schema -d 'Key registry file (TSV: key, type, precedence, default, constrained_defaults) for a custom or newer server build' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand dump" -l color -d 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand dump" -l log-format -d 'Log lines (TCFG_LOG=debug; `render --follow` logs at info) as text or JSON, one object per line' -r -f -a "text\t''
json\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand dump" -l endpoints -d 'etcd endpoints, host:port or http(s):// URLs, comma-separated [default: 127.0.0.1:2379]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand dump" -l prefix -d 'Key prefix of the dynamic config (a trailing / is added) [default: /temporal/dynamicconfig/]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand dump" -l cacert -d 'CA certificate (PEM) that signed the etcd server certificates' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand dump" -l cert -d 'Client certificate (PEM) for mutual TLS' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand dump" -l key -d 'Client private key (PEM) for mutual TLS' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand dump" -l user -d 'etcd user (also `name:password`); the password is prompted for on a terminal when not given' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand dump" -l password -d 'etcd password' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand dump" -l dial-timeout -d 'Time to establish a connection [default: 2s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand dump" -l command-timeout -d 'Time for one command\'s requests [default: 5s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand dump" -l config -d 'The seed library\'s YAML config file (etcdConfigs, globalKeyPrefix, TLS files) [default: $XDG_CONFIG_HOME/tcfg/config.yaml when present]' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand dump" -l cluster -d 'Which etcdConfigs entry of the config file to use [default: the first]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand dump" -l history-prefix -d 'Where change records go [default: beside the prefix, e.g. /temporal/dynamicconfig.history/]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand dump" -l history-keep -d 'Keep the newest N change records; a writer prunes older ones (0: no limit) [default: 10000]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand dump" -l history-max-age -d 'Keep change records no older than this, e.g. 90d (0: no limit) [default: 365d]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand dump" -l require-message -d 'Refuse writes without -m/--message' -r -f -a "true\t''
false\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand dump" -l keys-only -d 'Only the key names, one per line'
complete -c tcfg -n "__fish_tcfg_using_subcommand dump" -l allow-unknown-keys -d 'Report keys the release does not register as warnings, not errors'
complete -c tcfg -n "__fish_tcfg_using_subcommand dump" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tcfg -n "__fish_tcfg_using_subcommand dump" -s V -l version -d 'Print version'
complete -c tcfg -n "__fish_tcfg_using_subcommand diff" -s f -l file -d 'The desired state (YAML or JSON, `-` for stdin); several form one config' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand diff" -l prefixes -d 'Compare two prefixes (each PREFIX, CLUSTER:PREFIX or CLUSTER:): the second as `sync` would make it like the first' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand diff" -s o -l output -d 'Output format' -r -f -a "text\t''
json\t''
github\t'GitHub Actions annotations'
markdown\t'A pull-request comment'"
complete -c tcfg -n "__fish_tcfg_using_subcommand diff" -l out -d 'Save the plan to this file, for `tcfg apply PLAN_FILE`' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand diff" -l temporal-version -d 'Temporal release whose keys apply (1.27 to 1.31; default: the newest), or OLD..NEW during a rolling upgrade (the config must suit both)' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand diff" -l schema -d 'Key registry file (TSV: key, type, precedence, default, constrained_defaults) for a custom or newer server build' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand diff" -l color -d 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand diff" -l log-format -d 'Log lines (TCFG_LOG=debug; `render --follow` logs at info) as text or JSON, one object per line' -r -f -a "text\t''
json\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand diff" -l endpoints -d 'etcd endpoints, host:port or http(s):// URLs, comma-separated [default: 127.0.0.1:2379]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand diff" -l prefix -d 'Key prefix of the dynamic config (a trailing / is added) [default: /temporal/dynamicconfig/]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand diff" -l cacert -d 'CA certificate (PEM) that signed the etcd server certificates' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand diff" -l cert -d 'Client certificate (PEM) for mutual TLS' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand diff" -l key -d 'Client private key (PEM) for mutual TLS' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand diff" -l user -d 'etcd user (also `name:password`); the password is prompted for on a terminal when not given' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand diff" -l password -d 'etcd password' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand diff" -l dial-timeout -d 'Time to establish a connection [default: 2s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand diff" -l command-timeout -d 'Time for one command\'s requests [default: 5s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand diff" -l config -d 'The seed library\'s YAML config file (etcdConfigs, globalKeyPrefix, TLS files) [default: $XDG_CONFIG_HOME/tcfg/config.yaml when present]' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand diff" -l cluster -d 'Which etcdConfigs entry of the config file to use [default: the first]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand diff" -l history-prefix -d 'Where change records go [default: beside the prefix, e.g. /temporal/dynamicconfig.history/]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand diff" -l history-keep -d 'Keep the newest N change records; a writer prunes older ones (0: no limit) [default: 10000]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand diff" -l history-max-age -d 'Keep change records no older than this, e.g. 90d (0: no limit) [default: 365d]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand diff" -l require-message -d 'Refuse writes without -m/--message' -r -f -a "true\t''
false\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand diff" -l prune -d 'Count keys the desired state does not name as deletions (as `apply --prune`)'
complete -c tcfg -n "__fish_tcfg_using_subcommand diff" -l allow-unknown-keys -d 'Accept keys the release does not register (custom server builds)'
complete -c tcfg -n "__fish_tcfg_using_subcommand diff" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tcfg -n "__fish_tcfg_using_subcommand diff" -s V -l version -d 'Print version'
complete -c tcfg -n "__fish_tcfg_using_subcommand apply" -s f -l file -d 'The desired state (YAML or JSON, `-` for stdin); several form one config' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand apply" -l max-txn-ops -d 'The server\'s --max-txn-ops: the most operations one transaction may hold' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand apply" -l max-request-bytes -d 'The server\'s --max-request-bytes: the largest transaction it accepts' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand apply" -s m -l message -d 'Why: kept in the change record (`tcfg log`) with the author and the change' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand apply" -l wait -d 'After writing, wait until every renderer of the prefix (`tcfg render --follow`) reports the write, for at most TIMEOUT [default: 60s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand apply" -s o -l output -d 'Output format of the plan: markdown (a pull-request comment) only with --dry-run' -r -f -a "text\t''
markdown\t'A pull-request comment'"
complete -c tcfg -n "__fish_tcfg_using_subcommand apply" -l temporal-version -d 'Temporal release whose keys apply (1.27 to 1.31; default: the newest), or OLD..NEW during a rolling upgrade (the config must suit both)' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand apply" -l schema -d 'Key registry file (TSV: key, type, precedence, default, constrained_defaults) for a custom or newer server build' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand apply" -l color -d 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand apply" -l log-format -d 'Log lines (TCFG_LOG=debug; `render --follow` logs at info) as text or JSON, one object per line' -r -f -a "text\t''
json\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand apply" -l endpoints -d 'etcd endpoints, host:port or http(s):// URLs, comma-separated [default: 127.0.0.1:2379]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand apply" -l prefix -d 'Key prefix of the dynamic config (a trailing / is added) [default: /temporal/dynamicconfig/]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand apply" -l cacert -d 'CA certificate (PEM) that signed the etcd server certificates' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand apply" -l cert -d 'Client certificate (PEM) for mutual TLS' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand apply" -l key -d 'Client private key (PEM) for mutual TLS' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand apply" -l user -d 'etcd user (also `name:password`); the password is prompted for on a terminal when not given' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand apply" -l password -d 'etcd password' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand apply" -l dial-timeout -d 'Time to establish a connection [default: 2s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand apply" -l command-timeout -d 'Time for one command\'s requests [default: 5s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand apply" -l config -d 'The seed library\'s YAML config file (etcdConfigs, globalKeyPrefix, TLS files) [default: $XDG_CONFIG_HOME/tcfg/config.yaml when present]' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand apply" -l cluster -d 'Which etcdConfigs entry of the config file to use [default: the first]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand apply" -l history-prefix -d 'Where change records go [default: beside the prefix, e.g. /temporal/dynamicconfig.history/]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand apply" -l history-keep -d 'Keep the newest N change records; a writer prunes older ones (0: no limit) [default: 10000]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand apply" -l history-max-age -d 'Keep change records no older than this, e.g. 90d (0: no limit) [default: 365d]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand apply" -l require-message -d 'Refuse writes without -m/--message' -r -f -a "true\t''
false\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand apply" -l prune -d 'Also delete dynamic config keys under the prefix that the files do not name (never foreign keys)'
complete -c tcfg -n "__fish_tcfg_using_subcommand apply" -l create-only -d 'Only create keys that do not exist yet; never touch existing ones'
complete -c tcfg -n "__fish_tcfg_using_subcommand apply" -l batch -d 'Split a change too big for one transaction into batches (not atomic)'
complete -c tcfg -n "__fish_tcfg_using_subcommand apply" -s y -l yes -d 'Do not ask for confirmation (needed when standard input is not a terminal)'
complete -c tcfg -n "__fish_tcfg_using_subcommand apply" -l dry-run -d 'Show the plan on stdout and write nothing; exit status 2 when there are changes, 0 when none'
complete -c tcfg -n "__fish_tcfg_using_subcommand apply" -l break-freeze -d 'Write even though the prefix is frozen (tcfg freeze); needs -m, and the change record says so'
complete -c tcfg -n "__fish_tcfg_using_subcommand apply" -l allow-unknown-keys -d 'Accept keys the release does not register (custom server builds)'
complete -c tcfg -n "__fish_tcfg_using_subcommand apply" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tcfg -n "__fish_tcfg_using_subcommand apply" -s V -l version -d 'Print version'
complete -c tcfg -n "__fish_tcfg_using_subcommand sync" -l prefixes -d 'The prefixes (each PREFIX, CLUSTER:PREFIX or CLUSTER:): the first is the source (unless --from), the rest are made identical to it' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand sync" -l from -d 'The source prefix (PREFIX, CLUSTER:PREFIX or CLUSTER:)' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand sync" -l max-txn-ops -d 'The server\'s --max-txn-ops' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand sync" -l max-request-bytes -d 'The server\'s --max-request-bytes' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand sync" -s m -l message -d 'Why: kept in the change record (`tcfg log`) with the author and the change' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand sync" -l wait -d 'After writing, wait until every renderer of the prefix (`tcfg render --follow`) reports the write, for at most TIMEOUT [default: 60s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand sync" -s o -l output -d 'Output format of the plans: markdown (a pull-request comment) only with --dry-run' -r -f -a "text\t''
markdown\t'A pull-request comment'"
complete -c tcfg -n "__fish_tcfg_using_subcommand sync" -l temporal-version -d 'Temporal release whose keys apply (1.27 to 1.31; default: the newest), or OLD..NEW during a rolling upgrade (the config must suit both)' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand sync" -l schema -d 'Key registry file (TSV: key, type, precedence, default, constrained_defaults) for a custom or newer server build' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand sync" -l color -d 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand sync" -l log-format -d 'Log lines (TCFG_LOG=debug; `render --follow` logs at info) as text or JSON, one object per line' -r -f -a "text\t''
json\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand sync" -l endpoints -d 'etcd endpoints, host:port or http(s):// URLs, comma-separated [default: 127.0.0.1:2379]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand sync" -l prefix -d 'Key prefix of the dynamic config (a trailing / is added) [default: /temporal/dynamicconfig/]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand sync" -l cacert -d 'CA certificate (PEM) that signed the etcd server certificates' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand sync" -l cert -d 'Client certificate (PEM) for mutual TLS' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand sync" -l key -d 'Client private key (PEM) for mutual TLS' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand sync" -l user -d 'etcd user (also `name:password`); the password is prompted for on a terminal when not given' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand sync" -l password -d 'etcd password' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand sync" -l dial-timeout -d 'Time to establish a connection [default: 2s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand sync" -l command-timeout -d 'Time for one command\'s requests [default: 5s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand sync" -l config -d 'The seed library\'s YAML config file (etcdConfigs, globalKeyPrefix, TLS files) [default: $XDG_CONFIG_HOME/tcfg/config.yaml when present]' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand sync" -l cluster -d 'Which etcdConfigs entry of the config file to use [default: the first]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand sync" -l history-prefix -d 'Where change records go [default: beside the prefix, e.g. /temporal/dynamicconfig.history/]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand sync" -l history-keep -d 'Keep the newest N change records; a writer prunes older ones (0: no limit) [default: 10000]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand sync" -l history-max-age -d 'Keep change records no older than this, e.g. 90d (0: no limit) [default: 365d]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand sync" -l require-message -d 'Refuse writes without -m/--message' -r -f -a "true\t''
false\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand sync" -l keep-extra -d 'Keep keys that only a target has'
complete -c tcfg -n "__fish_tcfg_using_subcommand sync" -l allow-empty-source -d 'Sync from a source that holds no dynamic config keys (which empties the targets, unless --keep-extra)'
complete -c tcfg -n "__fish_tcfg_using_subcommand sync" -s y -l yes -d 'Do not ask for confirmation (needed when standard input is not a terminal)'
complete -c tcfg -n "__fish_tcfg_using_subcommand sync" -l dry-run -d 'Show the plan on stdout and write nothing; exit status 2 when there are changes, 0 when none'
complete -c tcfg -n "__fish_tcfg_using_subcommand sync" -l break-freeze -d 'Write even though the prefix is frozen (tcfg freeze); needs -m, and the change record says so'
complete -c tcfg -n "__fish_tcfg_using_subcommand sync" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tcfg -n "__fish_tcfg_using_subcommand sync" -s V -l version -d 'Print version'
complete -c tcfg -n "__fish_tcfg_using_subcommand watch" -l prefixes -d 'Watch several prefixes at once (a short root such as /active means /active/temporal/dynamicconfig/; CLUSTER:PREFIX or CLUSTER: for a cluster of the config file)' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand watch" -l namespace -d 'Namespace name' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand watch" -l namespace-id -d 'Namespace ID' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand watch" -l task-queue -d 'Task queue name (a partition such as /_sys/orders/3 counts as its base name)' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand watch" -l task-type -d 'Task queue type: Workflow, Activity or Nexus' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand watch" -l history-task-type -d 'History task type, such as TransferActivityTask or UserTimer' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand watch" -l shard-id -d 'History shard ID' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand watch" -l destination -d 'Nexus or callback destination' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand watch" -l chasm-task-type -d 'CHASM task type' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand watch" -s o -l output -d 'Output format' -r -f -a "text\t''
json\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand watch" -l since -d 'Replay the changes after this point first: an etcd revision (1234), a duration ago (2h) or an RFC 3339 time (etcd must still keep them)' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand watch" -l metrics-addr -d 'Serve Prometheus metrics on this address meanwhile (e.g. 127.0.0.1:9100)' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand watch" -l temporal-version -d 'Temporal release whose keys apply (1.27 to 1.31; default: the newest), or OLD..NEW during a rolling upgrade (the config must suit both)' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand watch" -l schema -d 'Key registry file (TSV: key, type, precedence, default, constrained_defaults) for a custom or newer server build' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand watch" -l color -d 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand watch" -l log-format -d 'Log lines (TCFG_LOG=debug; `render --follow` logs at info) as text or JSON, one object per line' -r -f -a "text\t''
json\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand watch" -l endpoints -d 'etcd endpoints, host:port or http(s):// URLs, comma-separated [default: 127.0.0.1:2379]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand watch" -l prefix -d 'Key prefix of the dynamic config (a trailing / is added) [default: /temporal/dynamicconfig/]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand watch" -l cacert -d 'CA certificate (PEM) that signed the etcd server certificates' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand watch" -l cert -d 'Client certificate (PEM) for mutual TLS' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand watch" -l key -d 'Client private key (PEM) for mutual TLS' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand watch" -l user -d 'etcd user (also `name:password`); the password is prompted for on a terminal when not given' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand watch" -l password -d 'etcd password' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand watch" -l dial-timeout -d 'Time to establish a connection [default: 2s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand watch" -l command-timeout -d 'Time for one command\'s requests [default: 5s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand watch" -l config -d 'The seed library\'s YAML config file (etcdConfigs, globalKeyPrefix, TLS files) [default: $XDG_CONFIG_HOME/tcfg/config.yaml when present]' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand watch" -l cluster -d 'Which etcdConfigs entry of the config file to use [default: the first]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand watch" -l history-prefix -d 'Where change records go [default: beside the prefix, e.g. /temporal/dynamicconfig.history/]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand watch" -l history-keep -d 'Keep the newest N change records; a writer prunes older ones (0: no limit) [default: 10000]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand watch" -l history-max-age -d 'Keep change records no older than this, e.g. 90d (0: no limit) [default: 365d]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand watch" -l require-message -d 'Refuse writes without -m/--message' -r -f -a "true\t''
false\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand watch" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tcfg -n "__fish_tcfg_using_subcommand watch" -s V -l version -d 'Print version'
complete -c tcfg -n "__fish_tcfg_using_subcommand render" -l base -d 'A file layer under the prefix: a key stored in etcd replaces the base\'s list for that key' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand render" -l max-drop -d 'Refuse a render that drops more than this share of the file\'s keys at once' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand render" -l report-as -d 'With --follow: report as NAME in a record beside the prefix, gone when this renderer is (\'\' reports nothing) [default: the host name]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand render" -l report-ttl -d 'How long a renderer\'s record outlives a renderer that died without removing it' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand render" -l metrics-addr -d 'With --follow: serve Prometheus metrics (/metrics) and probes (/healthz, /readyz) on this address' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand render" -l mode -d 'The mode of a new file, in octal [default: 0644; an existing file keeps its own]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand render" -l temporal-version -d 'Temporal release whose keys apply (1.27 to 1.31; default: the newest), or OLD..NEW during a rolling upgrade (the config must suit both)' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand render" -l schema -d 'Key registry file (TSV: key, type, precedence, default, constrained_defaults) for a custom or newer server build' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand render" -l color -d 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand render" -l log-format -d 'Log lines (TCFG_LOG=debug; `render --follow` logs at info) as text or JSON, one object per line' -r -f -a "text\t''
json\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand render" -l endpoints -d 'etcd endpoints, host:port or http(s):// URLs, comma-separated [default: 127.0.0.1:2379]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand render" -l prefix -d 'Key prefix of the dynamic config (a trailing / is added) [default: /temporal/dynamicconfig/]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand render" -l cacert -d 'CA certificate (PEM) that signed the etcd server certificates' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand render" -l cert -d 'Client certificate (PEM) for mutual TLS' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand render" -l key -d 'Client private key (PEM) for mutual TLS' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand render" -l user -d 'etcd user (also `name:password`); the password is prompted for on a terminal when not given' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand render" -l password -d 'etcd password' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand render" -l dial-timeout -d 'Time to establish a connection [default: 2s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand render" -l command-timeout -d 'Time for one command\'s requests [default: 5s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand render" -l config -d 'The seed library\'s YAML config file (etcdConfigs, globalKeyPrefix, TLS files) [default: $XDG_CONFIG_HOME/tcfg/config.yaml when present]' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand render" -l cluster -d 'Which etcdConfigs entry of the config file to use [default: the first]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand render" -l history-prefix -d 'Where change records go [default: beside the prefix, e.g. /temporal/dynamicconfig.history/]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand render" -l history-keep -d 'Keep the newest N change records; a writer prunes older ones (0: no limit) [default: 10000]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand render" -l history-max-age -d 'Keep change records no older than this, e.g. 90d (0: no limit) [default: 365d]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand render" -l require-message -d 'Refuse writes without -m/--message' -r -f -a "true\t''
false\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand render" -l drop-unknown-keys -d 'Leave out keys the release does not register (kept by default: Temporal ignores them)'
complete -c tcfg -n "__fish_tcfg_using_subcommand render" -l allow-empty -d 'Write an empty file: over one that has keys, or when the prefix holds no dynamic config'
complete -c tcfg -n "__fish_tcfg_using_subcommand render" -l follow -d 'Keep the file current: render again after every change, until SIGTERM or Ctrl-C'
complete -c tcfg -n "__fish_tcfg_using_subcommand render" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tcfg -n "__fish_tcfg_using_subcommand render" -s V -l version -d 'Print version'
complete -c tcfg -n "__fish_tcfg_using_subcommand log" -l since -d 'Changes at or after this: a duration ago (2h, 30m, 7d), an etcd revision, or an RFC 3339 time' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand log" -l until -d 'Changes at or before this: a duration ago, an etcd revision, or an RFC 3339 time' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand log" -l author -d 'Only changes whose author (etcd user, OS user, host or CI actor) contains this' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand log" -s n -l max-count -d 'At most N changes, newest first (0: all). Without --since: 50' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand log" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''
yaml\t''
revision\t'The revisions alone, one per line, newest first (for scripts: `tcfg revert "$(tcfg log -n 1 -o revision)"`)'"
complete -c tcfg -n "__fish_tcfg_using_subcommand log" -l temporal-version -d 'Temporal release whose keys apply (1.27 to 1.31; default: the newest), or OLD..NEW during a rolling upgrade (the config must suit both)' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand log" -l schema -d 'Key registry file (TSV: key, type, precedence, default, constrained_defaults) for a custom or newer server build' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand log" -l color -d 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand log" -l log-format -d 'Log lines (TCFG_LOG=debug; `render --follow` logs at info) as text or JSON, one object per line' -r -f -a "text\t''
json\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand log" -l endpoints -d 'etcd endpoints, host:port or http(s):// URLs, comma-separated [default: 127.0.0.1:2379]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand log" -l prefix -d 'Key prefix of the dynamic config (a trailing / is added) [default: /temporal/dynamicconfig/]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand log" -l cacert -d 'CA certificate (PEM) that signed the etcd server certificates' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand log" -l cert -d 'Client certificate (PEM) for mutual TLS' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand log" -l key -d 'Client private key (PEM) for mutual TLS' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand log" -l user -d 'etcd user (also `name:password`); the password is prompted for on a terminal when not given' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand log" -l password -d 'etcd password' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand log" -l dial-timeout -d 'Time to establish a connection [default: 2s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand log" -l command-timeout -d 'Time for one command\'s requests [default: 5s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand log" -l config -d 'The seed library\'s YAML config file (etcdConfigs, globalKeyPrefix, TLS files) [default: $XDG_CONFIG_HOME/tcfg/config.yaml when present]' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand log" -l cluster -d 'Which etcdConfigs entry of the config file to use [default: the first]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand log" -l history-prefix -d 'Where change records go [default: beside the prefix, e.g. /temporal/dynamicconfig.history/]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand log" -l history-keep -d 'Keep the newest N change records; a writer prunes older ones (0: no limit) [default: 10000]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand log" -l history-max-age -d 'Keep change records no older than this, e.g. 90d (0: no limit) [default: 365d]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand log" -l require-message -d 'Refuse writes without -m/--message' -r -f -a "true\t''
false\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand log" -s p -l patch -d 'Show each change\'s diff'
complete -c tcfg -n "__fish_tcfg_using_subcommand log" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tcfg -n "__fish_tcfg_using_subcommand log" -s V -l version -d 'Print version'
complete -c tcfg -n "__fish_tcfg_using_subcommand show" -s o -l output -d 'Output format' -r -f -a "text\t''
json\t''
yaml\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand show" -l temporal-version -d 'Temporal release whose keys apply (1.27 to 1.31; default: the newest), or OLD..NEW during a rolling upgrade (the config must suit both)' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand show" -l schema -d 'Key registry file (TSV: key, type, precedence, default, constrained_defaults) for a custom or newer server build' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand show" -l color -d 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand show" -l log-format -d 'Log lines (TCFG_LOG=debug; `render --follow` logs at info) as text or JSON, one object per line' -r -f -a "text\t''
json\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand show" -l endpoints -d 'etcd endpoints, host:port or http(s):// URLs, comma-separated [default: 127.0.0.1:2379]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand show" -l prefix -d 'Key prefix of the dynamic config (a trailing / is added) [default: /temporal/dynamicconfig/]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand show" -l cacert -d 'CA certificate (PEM) that signed the etcd server certificates' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand show" -l cert -d 'Client certificate (PEM) for mutual TLS' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand show" -l key -d 'Client private key (PEM) for mutual TLS' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand show" -l user -d 'etcd user (also `name:password`); the password is prompted for on a terminal when not given' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand show" -l password -d 'etcd password' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand show" -l dial-timeout -d 'Time to establish a connection [default: 2s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand show" -l command-timeout -d 'Time for one command\'s requests [default: 5s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand show" -l config -d 'The seed library\'s YAML config file (etcdConfigs, globalKeyPrefix, TLS files) [default: $XDG_CONFIG_HOME/tcfg/config.yaml when present]' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand show" -l cluster -d 'Which etcdConfigs entry of the config file to use [default: the first]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand show" -l history-prefix -d 'Where change records go [default: beside the prefix, e.g. /temporal/dynamicconfig.history/]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand show" -l history-keep -d 'Keep the newest N change records; a writer prunes older ones (0: no limit) [default: 10000]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand show" -l history-max-age -d 'Keep change records no older than this, e.g. 90d (0: no limit) [default: 365d]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand show" -l require-message -d 'Refuse writes without -m/--message' -r -f -a "true\t''
false\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tcfg -n "__fish_tcfg_using_subcommand show" -s V -l version -d 'Print version'
complete -c tcfg -n "__fish_tcfg_using_subcommand revert" -l out -d 'Save the plan instead of writing it; apply it with `tcfg apply PLAN`' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand revert" -l max-txn-ops -d 'The server\'s --max-txn-ops: the most operations one transaction may hold' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand revert" -l max-request-bytes -d 'The server\'s --max-request-bytes: the largest transaction it accepts' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand revert" -s m -l message -d 'Why: kept in the change record (`tcfg log`) with the author and the change' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand revert" -l wait -d 'After writing, wait until every renderer of the prefix (`tcfg render --follow`) reports the write, for at most TIMEOUT [default: 60s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand revert" -l temporal-version -d 'Temporal release whose keys apply (1.27 to 1.31; default: the newest), or OLD..NEW during a rolling upgrade (the config must suit both)' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand revert" -l schema -d 'Key registry file (TSV: key, type, precedence, default, constrained_defaults) for a custom or newer server build' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand revert" -l color -d 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand revert" -l log-format -d 'Log lines (TCFG_LOG=debug; `render --follow` logs at info) as text or JSON, one object per line' -r -f -a "text\t''
json\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand revert" -l endpoints -d 'etcd endpoints, host:port or http(s):// URLs, comma-separated [default: 127.0.0.1:2379]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand revert" -l prefix -d 'Key prefix of the dynamic config (a trailing / is added) [default: /temporal/dynamicconfig/]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand revert" -l cacert -d 'CA certificate (PEM) that signed the etcd server certificates' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand revert" -l cert -d 'Client certificate (PEM) for mutual TLS' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand revert" -l key -d 'Client private key (PEM) for mutual TLS' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand revert" -l user -d 'etcd user (also `name:password`); the password is prompted for on a terminal when not given' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand revert" -l password -d 'etcd password' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand revert" -l dial-timeout -d 'Time to establish a connection [default: 2s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand revert" -l command-timeout -d 'Time for one command\'s requests [default: 5s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand revert" -l config -d 'The seed library\'s YAML config file (etcdConfigs, globalKeyPrefix, TLS files) [default: $XDG_CONFIG_HOME/tcfg/config.yaml when present]' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand revert" -l cluster -d 'Which etcdConfigs entry of the config file to use [default: the first]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand revert" -l history-prefix -d 'Where change records go [default: beside the prefix, e.g. /temporal/dynamicconfig.history/]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand revert" -l history-keep -d 'Keep the newest N change records; a writer prunes older ones (0: no limit) [default: 10000]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand revert" -l history-max-age -d 'Keep change records no older than this, e.g. 90d (0: no limit) [default: 365d]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand revert" -l require-message -d 'Refuse writes without -m/--message' -r -f -a "true\t''
false\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand revert" -l force -d 'Revert even though a key changed again after REV (the later change is shown, then overwritten)'
complete -c tcfg -n "__fish_tcfg_using_subcommand revert" -l batch -d 'Split a change too big for one transaction into batches (not atomic)'
complete -c tcfg -n "__fish_tcfg_using_subcommand revert" -s y -l yes -d 'Do not ask for confirmation (needed when standard input is not a terminal)'
complete -c tcfg -n "__fish_tcfg_using_subcommand revert" -l dry-run -d 'Show the plan on stdout and write nothing; exit status 2 when there are changes, 0 when none'
complete -c tcfg -n "__fish_tcfg_using_subcommand revert" -l break-freeze -d 'Write even though the prefix is frozen (tcfg freeze); needs -m, and the change record says so'
complete -c tcfg -n "__fish_tcfg_using_subcommand revert" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tcfg -n "__fish_tcfg_using_subcommand revert" -s V -l version -d 'Print version'
complete -c tcfg -n "__fish_tcfg_using_subcommand rollback" -l to -d 'The point to go back to: an etcd revision (1234), a duration ago (2h) or an RFC 3339 time' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand rollback" -l out -d 'Save the plan instead of writing it; apply it with `tcfg apply PLAN`' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand rollback" -l max-txn-ops -d 'The server\'s --max-txn-ops: the most operations one transaction may hold' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand rollback" -l max-request-bytes -d 'The server\'s --max-request-bytes: the largest transaction it accepts' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand rollback" -s m -l message -d 'Why: kept in the change record (`tcfg log`) with the author and the change' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand rollback" -l wait -d 'After writing, wait until every renderer of the prefix (`tcfg render --follow`) reports the write, for at most TIMEOUT [default: 60s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand rollback" -l temporal-version -d 'Temporal release whose keys apply (1.27 to 1.31; default: the newest), or OLD..NEW during a rolling upgrade (the config must suit both)' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand rollback" -l schema -d 'Key registry file (TSV: key, type, precedence, default, constrained_defaults) for a custom or newer server build' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand rollback" -l color -d 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand rollback" -l log-format -d 'Log lines (TCFG_LOG=debug; `render --follow` logs at info) as text or JSON, one object per line' -r -f -a "text\t''
json\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand rollback" -l endpoints -d 'etcd endpoints, host:port or http(s):// URLs, comma-separated [default: 127.0.0.1:2379]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand rollback" -l prefix -d 'Key prefix of the dynamic config (a trailing / is added) [default: /temporal/dynamicconfig/]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand rollback" -l cacert -d 'CA certificate (PEM) that signed the etcd server certificates' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand rollback" -l cert -d 'Client certificate (PEM) for mutual TLS' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand rollback" -l key -d 'Client private key (PEM) for mutual TLS' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand rollback" -l user -d 'etcd user (also `name:password`); the password is prompted for on a terminal when not given' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand rollback" -l password -d 'etcd password' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand rollback" -l dial-timeout -d 'Time to establish a connection [default: 2s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand rollback" -l command-timeout -d 'Time for one command\'s requests [default: 5s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand rollback" -l config -d 'The seed library\'s YAML config file (etcdConfigs, globalKeyPrefix, TLS files) [default: $XDG_CONFIG_HOME/tcfg/config.yaml when present]' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand rollback" -l cluster -d 'Which etcdConfigs entry of the config file to use [default: the first]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand rollback" -l history-prefix -d 'Where change records go [default: beside the prefix, e.g. /temporal/dynamicconfig.history/]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand rollback" -l history-keep -d 'Keep the newest N change records; a writer prunes older ones (0: no limit) [default: 10000]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand rollback" -l history-max-age -d 'Keep change records no older than this, e.g. 90d (0: no limit) [default: 365d]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand rollback" -l require-message -d 'Refuse writes without -m/--message' -r -f -a "true\t''
false\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand rollback" -l batch -d 'Split a change too big for one transaction into batches (not atomic)'
complete -c tcfg -n "__fish_tcfg_using_subcommand rollback" -s y -l yes -d 'Do not ask for confirmation (needed when standard input is not a terminal)'
complete -c tcfg -n "__fish_tcfg_using_subcommand rollback" -l dry-run -d 'Show the plan on stdout and write nothing; exit status 2 when there are changes, 0 when none'
complete -c tcfg -n "__fish_tcfg_using_subcommand rollback" -l break-freeze -d 'Write even though the prefix is frozen (tcfg freeze); needs -m, and the change record says so'
complete -c tcfg -n "__fish_tcfg_using_subcommand rollback" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tcfg -n "__fish_tcfg_using_subcommand rollback" -s V -l version -d 'Print version'
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and not __fish_seen_subcommand_from extend end help" -s o -l output -d 'Output format of the list' -r -f -a "table\t''
json\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and not __fish_seen_subcommand_from extend end help" -l temporal-version -d 'Temporal release whose keys apply (1.27 to 1.31; default: the newest), or OLD..NEW during a rolling upgrade (the config must suit both)' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and not __fish_seen_subcommand_from extend end help" -l schema -d 'Key registry file (TSV: key, type, precedence, default, constrained_defaults) for a custom or newer server build' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and not __fish_seen_subcommand_from extend end help" -l color -d 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and not __fish_seen_subcommand_from extend end help" -l log-format -d 'Log lines (TCFG_LOG=debug; `render --follow` logs at info) as text or JSON, one object per line' -r -f -a "text\t''
json\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and not __fish_seen_subcommand_from extend end help" -l endpoints -d 'etcd endpoints, host:port or http(s):// URLs, comma-separated [default: 127.0.0.1:2379]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and not __fish_seen_subcommand_from extend end help" -l prefix -d 'Key prefix of the dynamic config (a trailing / is added) [default: /temporal/dynamicconfig/]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and not __fish_seen_subcommand_from extend end help" -l cacert -d 'CA certificate (PEM) that signed the etcd server certificates' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and not __fish_seen_subcommand_from extend end help" -l cert -d 'Client certificate (PEM) for mutual TLS' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and not __fish_seen_subcommand_from extend end help" -l key -d 'Client private key (PEM) for mutual TLS' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and not __fish_seen_subcommand_from extend end help" -l user -d 'etcd user (also `name:password`); the password is prompted for on a terminal when not given' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and not __fish_seen_subcommand_from extend end help" -l password -d 'etcd password' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and not __fish_seen_subcommand_from extend end help" -l dial-timeout -d 'Time to establish a connection [default: 2s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and not __fish_seen_subcommand_from extend end help" -l command-timeout -d 'Time for one command\'s requests [default: 5s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and not __fish_seen_subcommand_from extend end help" -l config -d 'The seed library\'s YAML config file (etcdConfigs, globalKeyPrefix, TLS files) [default: $XDG_CONFIG_HOME/tcfg/config.yaml when present]' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and not __fish_seen_subcommand_from extend end help" -l cluster -d 'Which etcdConfigs entry of the config file to use [default: the first]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and not __fish_seen_subcommand_from extend end help" -l history-prefix -d 'Where change records go [default: beside the prefix, e.g. /temporal/dynamicconfig.history/]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and not __fish_seen_subcommand_from extend end help" -l history-keep -d 'Keep the newest N change records; a writer prunes older ones (0: no limit) [default: 10000]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and not __fish_seen_subcommand_from extend end help" -l history-max-age -d 'Keep change records no older than this, e.g. 90d (0: no limit) [default: 365d]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and not __fish_seen_subcommand_from extend end help" -l require-message -d 'Refuse writes without -m/--message' -r -f -a "true\t''
false\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and not __fish_seen_subcommand_from extend end help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and not __fish_seen_subcommand_from extend end help" -s V -l version -d 'Print version'
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and not __fish_seen_subcommand_from extend end help" -f -a "extend" -d 'Give an override a new end (--for from now, or --until)'
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and not __fish_seen_subcommand_from extend end help" -f -a "end" -d 'End an override now: restore its item (unless it changed since)'
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and not __fish_seen_subcommand_from extend end help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and __fish_seen_subcommand_from extend" -l for -d 'Make it an incident override that ends after DURATION (2h, 30m): then `tcfg expire` restores the item as it was, unless someone changed it since (needs -m)' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and __fish_seen_subcommand_from extend" -l until -d 'Make it an incident override that ends at TIME (RFC 3339, such as 2026-12-06T18:00:00Z)' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and __fish_seen_subcommand_from extend" -s m -l message -d 'Why: kept in the change record (`tcfg log`) with the author and the change' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and __fish_seen_subcommand_from extend" -l wait -d 'After writing, wait until every renderer of the prefix (`tcfg render --follow`) reports the write, for at most TIMEOUT [default: 60s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and __fish_seen_subcommand_from extend" -l temporal-version -d 'Temporal release whose keys apply (1.27 to 1.31; default: the newest), or OLD..NEW during a rolling upgrade (the config must suit both)' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and __fish_seen_subcommand_from extend" -l schema -d 'Key registry file (TSV: key, type, precedence, default, constrained_defaults) for a custom or newer server build' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and __fish_seen_subcommand_from extend" -l color -d 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and __fish_seen_subcommand_from extend" -l log-format -d 'Log lines (TCFG_LOG=debug; `render --follow` logs at info) as text or JSON, one object per line' -r -f -a "text\t''
json\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and __fish_seen_subcommand_from extend" -l endpoints -d 'etcd endpoints, host:port or http(s):// URLs, comma-separated [default: 127.0.0.1:2379]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and __fish_seen_subcommand_from extend" -l prefix -d 'Key prefix of the dynamic config (a trailing / is added) [default: /temporal/dynamicconfig/]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and __fish_seen_subcommand_from extend" -l cacert -d 'CA certificate (PEM) that signed the etcd server certificates' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and __fish_seen_subcommand_from extend" -l cert -d 'Client certificate (PEM) for mutual TLS' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and __fish_seen_subcommand_from extend" -l key -d 'Client private key (PEM) for mutual TLS' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and __fish_seen_subcommand_from extend" -l user -d 'etcd user (also `name:password`); the password is prompted for on a terminal when not given' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and __fish_seen_subcommand_from extend" -l password -d 'etcd password' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and __fish_seen_subcommand_from extend" -l dial-timeout -d 'Time to establish a connection [default: 2s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and __fish_seen_subcommand_from extend" -l command-timeout -d 'Time for one command\'s requests [default: 5s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and __fish_seen_subcommand_from extend" -l config -d 'The seed library\'s YAML config file (etcdConfigs, globalKeyPrefix, TLS files) [default: $XDG_CONFIG_HOME/tcfg/config.yaml when present]' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and __fish_seen_subcommand_from extend" -l cluster -d 'Which etcdConfigs entry of the config file to use [default: the first]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and __fish_seen_subcommand_from extend" -l history-prefix -d 'Where change records go [default: beside the prefix, e.g. /temporal/dynamicconfig.history/]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and __fish_seen_subcommand_from extend" -l history-keep -d 'Keep the newest N change records; a writer prunes older ones (0: no limit) [default: 10000]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and __fish_seen_subcommand_from extend" -l history-max-age -d 'Keep change records no older than this, e.g. 90d (0: no limit) [default: 365d]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and __fish_seen_subcommand_from extend" -l require-message -d 'Refuse writes without -m/--message' -r -f -a "true\t''
false\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and __fish_seen_subcommand_from extend" -s y -l yes -d 'Do not ask for confirmation (needed when standard input is not a terminal)'
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and __fish_seen_subcommand_from extend" -l dry-run -d 'Show the plan on stdout and write nothing; exit status 2 when there are changes, 0 when none'
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and __fish_seen_subcommand_from extend" -l break-freeze -d 'Write even though the prefix is frozen (tcfg freeze); needs -m, and the change record says so'
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and __fish_seen_subcommand_from extend" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and __fish_seen_subcommand_from extend" -s V -l version -d 'Print version'
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and __fish_seen_subcommand_from end" -s m -l message -d 'Why: kept in the change record (`tcfg log`) with the author and the change' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and __fish_seen_subcommand_from end" -l wait -d 'After writing, wait until every renderer of the prefix (`tcfg render --follow`) reports the write, for at most TIMEOUT [default: 60s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and __fish_seen_subcommand_from end" -l temporal-version -d 'Temporal release whose keys apply (1.27 to 1.31; default: the newest), or OLD..NEW during a rolling upgrade (the config must suit both)' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and __fish_seen_subcommand_from end" -l schema -d 'Key registry file (TSV: key, type, precedence, default, constrained_defaults) for a custom or newer server build' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and __fish_seen_subcommand_from end" -l color -d 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and __fish_seen_subcommand_from end" -l log-format -d 'Log lines (TCFG_LOG=debug; `render --follow` logs at info) as text or JSON, one object per line' -r -f -a "text\t''
json\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and __fish_seen_subcommand_from end" -l endpoints -d 'etcd endpoints, host:port or http(s):// URLs, comma-separated [default: 127.0.0.1:2379]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and __fish_seen_subcommand_from end" -l prefix -d 'Key prefix of the dynamic config (a trailing / is added) [default: /temporal/dynamicconfig/]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and __fish_seen_subcommand_from end" -l cacert -d 'CA certificate (PEM) that signed the etcd server certificates' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and __fish_seen_subcommand_from end" -l cert -d 'Client certificate (PEM) for mutual TLS' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and __fish_seen_subcommand_from end" -l key -d 'Client private key (PEM) for mutual TLS' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and __fish_seen_subcommand_from end" -l user -d 'etcd user (also `name:password`); the password is prompted for on a terminal when not given' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and __fish_seen_subcommand_from end" -l password -d 'etcd password' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and __fish_seen_subcommand_from end" -l dial-timeout -d 'Time to establish a connection [default: 2s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and __fish_seen_subcommand_from end" -l command-timeout -d 'Time for one command\'s requests [default: 5s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and __fish_seen_subcommand_from end" -l config -d 'The seed library\'s YAML config file (etcdConfigs, globalKeyPrefix, TLS files) [default: $XDG_CONFIG_HOME/tcfg/config.yaml when present]' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and __fish_seen_subcommand_from end" -l cluster -d 'Which etcdConfigs entry of the config file to use [default: the first]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and __fish_seen_subcommand_from end" -l history-prefix -d 'Where change records go [default: beside the prefix, e.g. /temporal/dynamicconfig.history/]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and __fish_seen_subcommand_from end" -l history-keep -d 'Keep the newest N change records; a writer prunes older ones (0: no limit) [default: 10000]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and __fish_seen_subcommand_from end" -l history-max-age -d 'Keep change records no older than this, e.g. 90d (0: no limit) [default: 365d]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and __fish_seen_subcommand_from end" -l require-message -d 'Refuse writes without -m/--message' -r -f -a "true\t''
false\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and __fish_seen_subcommand_from end" -s y -l yes -d 'Do not ask for confirmation (needed when standard input is not a terminal)'
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and __fish_seen_subcommand_from end" -l dry-run -d 'Show the plan on stdout and write nothing; exit status 2 when there are changes, 0 when none'
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and __fish_seen_subcommand_from end" -l break-freeze -d 'Write even though the prefix is frozen (tcfg freeze); needs -m, and the change record says so'
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and __fish_seen_subcommand_from end" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and __fish_seen_subcommand_from end" -s V -l version -d 'Print version'
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and __fish_seen_subcommand_from help" -f -a "extend" -d 'Give an override a new end (--for from now, or --until)'
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and __fish_seen_subcommand_from help" -f -a "end" -d 'End an override now: restore its item (unless it changed since)'
complete -c tcfg -n "__fish_tcfg_using_subcommand overrides; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tcfg -n "__fish_tcfg_using_subcommand expire" -l metrics-addr -d 'With --follow: serve Prometheus metrics (/metrics) and probes (/healthz, /readyz) on this address' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand expire" -l lease -d 'With --follow: how long a leader that stops renewing its lease (killed, cut off) keeps the others waiting' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand expire" -l temporal-version -d 'Temporal release whose keys apply (1.27 to 1.31; default: the newest), or OLD..NEW during a rolling upgrade (the config must suit both)' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand expire" -l schema -d 'Key registry file (TSV: key, type, precedence, default, constrained_defaults) for a custom or newer server build' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand expire" -l color -d 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand expire" -l log-format -d 'Log lines (TCFG_LOG=debug; `render --follow` logs at info) as text or JSON, one object per line' -r -f -a "text\t''
json\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand expire" -l endpoints -d 'etcd endpoints, host:port or http(s):// URLs, comma-separated [default: 127.0.0.1:2379]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand expire" -l prefix -d 'Key prefix of the dynamic config (a trailing / is added) [default: /temporal/dynamicconfig/]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand expire" -l cacert -d 'CA certificate (PEM) that signed the etcd server certificates' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand expire" -l cert -d 'Client certificate (PEM) for mutual TLS' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand expire" -l key -d 'Client private key (PEM) for mutual TLS' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand expire" -l user -d 'etcd user (also `name:password`); the password is prompted for on a terminal when not given' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand expire" -l password -d 'etcd password' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand expire" -l dial-timeout -d 'Time to establish a connection [default: 2s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand expire" -l command-timeout -d 'Time for one command\'s requests [default: 5s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand expire" -l config -d 'The seed library\'s YAML config file (etcdConfigs, globalKeyPrefix, TLS files) [default: $XDG_CONFIG_HOME/tcfg/config.yaml when present]' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand expire" -l cluster -d 'Which etcdConfigs entry of the config file to use [default: the first]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand expire" -l history-prefix -d 'Where change records go [default: beside the prefix, e.g. /temporal/dynamicconfig.history/]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand expire" -l history-keep -d 'Keep the newest N change records; a writer prunes older ones (0: no limit) [default: 10000]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand expire" -l history-max-age -d 'Keep change records no older than this, e.g. 90d (0: no limit) [default: 365d]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand expire" -l require-message -d 'Refuse writes without -m/--message' -r -f -a "true\t''
false\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand expire" -l follow -d 'Keep running: restore each override within a second of its end. Several may run; one leads (etcd\'s election API), the others wait to take over'
complete -c tcfg -n "__fish_tcfg_using_subcommand expire" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tcfg -n "__fish_tcfg_using_subcommand expire" -s V -l version -d 'Print version'
complete -c tcfg -n "__fish_tcfg_using_subcommand freeze" -l for -d 'How long the freeze lasts (3d, 12h)' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand freeze" -l until -d 'When the freeze ends (RFC 3339)' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand freeze" -s m -l message -d 'Why: kept in the change record (`tcfg log`) with the author and the change' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand freeze" -l wait -d 'After writing, wait until every renderer of the prefix (`tcfg render --follow`) reports the write, for at most TIMEOUT [default: 60s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand freeze" -l temporal-version -d 'Temporal release whose keys apply (1.27 to 1.31; default: the newest), or OLD..NEW during a rolling upgrade (the config must suit both)' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand freeze" -l schema -d 'Key registry file (TSV: key, type, precedence, default, constrained_defaults) for a custom or newer server build' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand freeze" -l color -d 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand freeze" -l log-format -d 'Log lines (TCFG_LOG=debug; `render --follow` logs at info) as text or JSON, one object per line' -r -f -a "text\t''
json\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand freeze" -l endpoints -d 'etcd endpoints, host:port or http(s):// URLs, comma-separated [default: 127.0.0.1:2379]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand freeze" -l prefix -d 'Key prefix of the dynamic config (a trailing / is added) [default: /temporal/dynamicconfig/]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand freeze" -l cacert -d 'CA certificate (PEM) that signed the etcd server certificates' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand freeze" -l cert -d 'Client certificate (PEM) for mutual TLS' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand freeze" -l key -d 'Client private key (PEM) for mutual TLS' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand freeze" -l user -d 'etcd user (also `name:password`); the password is prompted for on a terminal when not given' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand freeze" -l password -d 'etcd password' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand freeze" -l dial-timeout -d 'Time to establish a connection [default: 2s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand freeze" -l command-timeout -d 'Time for one command\'s requests [default: 5s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand freeze" -l config -d 'The seed library\'s YAML config file (etcdConfigs, globalKeyPrefix, TLS files) [default: $XDG_CONFIG_HOME/tcfg/config.yaml when present]' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand freeze" -l cluster -d 'Which etcdConfigs entry of the config file to use [default: the first]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand freeze" -l history-prefix -d 'Where change records go [default: beside the prefix, e.g. /temporal/dynamicconfig.history/]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand freeze" -l history-keep -d 'Keep the newest N change records; a writer prunes older ones (0: no limit) [default: 10000]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand freeze" -l history-max-age -d 'Keep change records no older than this, e.g. 90d (0: no limit) [default: 365d]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand freeze" -l require-message -d 'Refuse writes without -m/--message' -r -f -a "true\t''
false\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand freeze" -l whole-cluster -d 'Freeze every prefix on this etcd cluster, not only --prefix (the change record is kept with --prefix)'
complete -c tcfg -n "__fish_tcfg_using_subcommand freeze" -s y -l yes -d 'Do not ask for confirmation (needed when standard input is not a terminal)'
complete -c tcfg -n "__fish_tcfg_using_subcommand freeze" -l dry-run -d 'Show the plan on stdout and write nothing; exit status 2 when there are changes, 0 when none'
complete -c tcfg -n "__fish_tcfg_using_subcommand freeze" -l break-freeze -d 'Write even though the prefix is frozen (tcfg freeze); needs -m, and the change record says so'
complete -c tcfg -n "__fish_tcfg_using_subcommand freeze" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tcfg -n "__fish_tcfg_using_subcommand freeze" -s V -l version -d 'Print version'
complete -c tcfg -n "__fish_tcfg_using_subcommand unfreeze" -s m -l message -d 'Why: kept in the change record (`tcfg log`) with the author and the change' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand unfreeze" -l wait -d 'After writing, wait until every renderer of the prefix (`tcfg render --follow`) reports the write, for at most TIMEOUT [default: 60s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand unfreeze" -l temporal-version -d 'Temporal release whose keys apply (1.27 to 1.31; default: the newest), or OLD..NEW during a rolling upgrade (the config must suit both)' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand unfreeze" -l schema -d 'Key registry file (TSV: key, type, precedence, default, constrained_defaults) for a custom or newer server build' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand unfreeze" -l color -d 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand unfreeze" -l log-format -d 'Log lines (TCFG_LOG=debug; `render --follow` logs at info) as text or JSON, one object per line' -r -f -a "text\t''
json\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand unfreeze" -l endpoints -d 'etcd endpoints, host:port or http(s):// URLs, comma-separated [default: 127.0.0.1:2379]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand unfreeze" -l prefix -d 'Key prefix of the dynamic config (a trailing / is added) [default: /temporal/dynamicconfig/]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand unfreeze" -l cacert -d 'CA certificate (PEM) that signed the etcd server certificates' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand unfreeze" -l cert -d 'Client certificate (PEM) for mutual TLS' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand unfreeze" -l key -d 'Client private key (PEM) for mutual TLS' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand unfreeze" -l user -d 'etcd user (also `name:password`); the password is prompted for on a terminal when not given' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand unfreeze" -l password -d 'etcd password' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand unfreeze" -l dial-timeout -d 'Time to establish a connection [default: 2s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand unfreeze" -l command-timeout -d 'Time for one command\'s requests [default: 5s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand unfreeze" -l config -d 'The seed library\'s YAML config file (etcdConfigs, globalKeyPrefix, TLS files) [default: $XDG_CONFIG_HOME/tcfg/config.yaml when present]' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand unfreeze" -l cluster -d 'Which etcdConfigs entry of the config file to use [default: the first]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand unfreeze" -l history-prefix -d 'Where change records go [default: beside the prefix, e.g. /temporal/dynamicconfig.history/]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand unfreeze" -l history-keep -d 'Keep the newest N change records; a writer prunes older ones (0: no limit) [default: 10000]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand unfreeze" -l history-max-age -d 'Keep change records no older than this, e.g. 90d (0: no limit) [default: 365d]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand unfreeze" -l require-message -d 'Refuse writes without -m/--message' -r -f -a "true\t''
false\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand unfreeze" -l whole-cluster -d 'Lift the whole etcd cluster\'s freeze (tcfg freeze --whole-cluster), not the prefix\'s'
complete -c tcfg -n "__fish_tcfg_using_subcommand unfreeze" -s y -l yes -d 'Do not ask for confirmation (needed when standard input is not a terminal)'
complete -c tcfg -n "__fish_tcfg_using_subcommand unfreeze" -l dry-run -d 'Show the plan on stdout and write nothing; exit status 2 when there are changes, 0 when none'
complete -c tcfg -n "__fish_tcfg_using_subcommand unfreeze" -l break-freeze -d 'Write even though the prefix is frozen (tcfg freeze); needs -m, and the change record says so'
complete -c tcfg -n "__fish_tcfg_using_subcommand unfreeze" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tcfg -n "__fish_tcfg_using_subcommand unfreeze" -s V -l version -d 'Print version'
complete -c tcfg -n "__fish_tcfg_using_subcommand status" -l clusters -d 'The clusters of the config file to report on, in this order (default: every one it names)' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand status" -l prefixes -d 'The prefixes to report on instead (each PREFIX, CLUSTER:PREFIX or CLUSTER:)' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand status" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand status" -l temporal-version -d 'Temporal release whose keys apply (1.27 to 1.31; default: the newest), or OLD..NEW during a rolling upgrade (the config must suit both)' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand status" -l schema -d 'Key registry file (TSV: key, type, precedence, default, constrained_defaults) for a custom or newer server build' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand status" -l color -d 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand status" -l log-format -d 'Log lines (TCFG_LOG=debug; `render --follow` logs at info) as text or JSON, one object per line' -r -f -a "text\t''
json\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand status" -l endpoints -d 'etcd endpoints, host:port or http(s):// URLs, comma-separated [default: 127.0.0.1:2379]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand status" -l prefix -d 'Key prefix of the dynamic config (a trailing / is added) [default: /temporal/dynamicconfig/]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand status" -l cacert -d 'CA certificate (PEM) that signed the etcd server certificates' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand status" -l cert -d 'Client certificate (PEM) for mutual TLS' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand status" -l key -d 'Client private key (PEM) for mutual TLS' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand status" -l user -d 'etcd user (also `name:password`); the password is prompted for on a terminal when not given' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand status" -l password -d 'etcd password' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand status" -l dial-timeout -d 'Time to establish a connection [default: 2s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand status" -l command-timeout -d 'Time for one command\'s requests [default: 5s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand status" -l config -d 'The seed library\'s YAML config file (etcdConfigs, globalKeyPrefix, TLS files) [default: $XDG_CONFIG_HOME/tcfg/config.yaml when present]' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand status" -l cluster -d 'Which etcdConfigs entry of the config file to use [default: the first]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand status" -l history-prefix -d 'Where change records go [default: beside the prefix, e.g. /temporal/dynamicconfig.history/]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand status" -l history-keep -d 'Keep the newest N change records; a writer prunes older ones (0: no limit) [default: 10000]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand status" -l history-max-age -d 'Keep change records no older than this, e.g. 90d (0: no limit) [default: 365d]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand status" -l require-message -d 'Refuse writes without -m/--message' -r -f -a "true\t''
false\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand status" -s v -l verbose -d 'Name the keys that drifted, and give the errors of members that are down in full'
complete -c tcfg -n "__fish_tcfg_using_subcommand status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tcfg -n "__fish_tcfg_using_subcommand status" -s V -l version -d 'Print version'
complete -c tcfg -n "__fish_tcfg_using_subcommand clusters" -s o -l output -d 'Output format' -r -f -a "text\t''
json\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand clusters" -l temporal-version -d 'Temporal release whose keys apply (1.27 to 1.31; default: the newest), or OLD..NEW during a rolling upgrade (the config must suit both)' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand clusters" -l schema -d 'Key registry file (TSV: key, type, precedence, default, constrained_defaults) for a custom or newer server build' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand clusters" -l color -d 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand clusters" -l log-format -d 'Log lines (TCFG_LOG=debug; `render --follow` logs at info) as text or JSON, one object per line' -r -f -a "text\t''
json\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand clusters" -l endpoints -d 'etcd endpoints, host:port or http(s):// URLs, comma-separated [default: 127.0.0.1:2379]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand clusters" -l prefix -d 'Key prefix of the dynamic config (a trailing / is added) [default: /temporal/dynamicconfig/]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand clusters" -l cacert -d 'CA certificate (PEM) that signed the etcd server certificates' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand clusters" -l cert -d 'Client certificate (PEM) for mutual TLS' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand clusters" -l key -d 'Client private key (PEM) for mutual TLS' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand clusters" -l user -d 'etcd user (also `name:password`); the password is prompted for on a terminal when not given' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand clusters" -l password -d 'etcd password' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand clusters" -l dial-timeout -d 'Time to establish a connection [default: 2s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand clusters" -l command-timeout -d 'Time for one command\'s requests [default: 5s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand clusters" -l config -d 'The seed library\'s YAML config file (etcdConfigs, globalKeyPrefix, TLS files) [default: $XDG_CONFIG_HOME/tcfg/config.yaml when present]' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand clusters" -l cluster -d 'Which etcdConfigs entry of the config file to use [default: the first]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand clusters" -l history-prefix -d 'Where change records go [default: beside the prefix, e.g. /temporal/dynamicconfig.history/]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand clusters" -l history-keep -d 'Keep the newest N change records; a writer prunes older ones (0: no limit) [default: 10000]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand clusters" -l history-max-age -d 'Keep change records no older than this, e.g. 90d (0: no limit) [default: 365d]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand clusters" -l require-message -d 'Refuse writes without -m/--message' -r -f -a "true\t''
false\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand clusters" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tcfg -n "__fish_tcfg_using_subcommand clusters" -s V -l version -d 'Print version'
complete -c tcfg -n "__fish_tcfg_using_subcommand upgrade-check" -l to -d 'The release the servers move to (1.28 to 1.31)' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand upgrade-check" -l from -d 'The release the servers run now [default: --temporal-version, else the newest release before --to that registers every key the config sets]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand upgrade-check" -s f -l file -d 'Check these files (YAML or JSON, `-` for stdin) instead of the live prefix' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand upgrade-check" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''
markdown\t'A pull-request comment'"
complete -c tcfg -n "__fish_tcfg_using_subcommand upgrade-check" -l out -d 'Save the migration of the live prefix as a plan for `tcfg apply PLAN`: the new names written, the old kept' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand upgrade-check" -l temporal-version -d 'Temporal release whose keys apply (1.27 to 1.31; default: the newest), or OLD..NEW during a rolling upgrade (the config must suit both)' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand upgrade-check" -l schema -d 'Key registry file (TSV: key, type, precedence, default, constrained_defaults) for a custom or newer server build' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand upgrade-check" -l color -d 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand upgrade-check" -l log-format -d 'Log lines (TCFG_LOG=debug; `render --follow` logs at info) as text or JSON, one object per line' -r -f -a "text\t''
json\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand upgrade-check" -l endpoints -d 'etcd endpoints, host:port or http(s):// URLs, comma-separated [default: 127.0.0.1:2379]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand upgrade-check" -l prefix -d 'Key prefix of the dynamic config (a trailing / is added) [default: /temporal/dynamicconfig/]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand upgrade-check" -l cacert -d 'CA certificate (PEM) that signed the etcd server certificates' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand upgrade-check" -l cert -d 'Client certificate (PEM) for mutual TLS' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand upgrade-check" -l key -d 'Client private key (PEM) for mutual TLS' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand upgrade-check" -l user -d 'etcd user (also `name:password`); the password is prompted for on a terminal when not given' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand upgrade-check" -l password -d 'etcd password' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand upgrade-check" -l dial-timeout -d 'Time to establish a connection [default: 2s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand upgrade-check" -l command-timeout -d 'Time for one command\'s requests [default: 5s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand upgrade-check" -l config -d 'The seed library\'s YAML config file (etcdConfigs, globalKeyPrefix, TLS files) [default: $XDG_CONFIG_HOME/tcfg/config.yaml when present]' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand upgrade-check" -l cluster -d 'Which etcdConfigs entry of the config file to use [default: the first]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand upgrade-check" -l history-prefix -d 'Where change records go [default: beside the prefix, e.g. /temporal/dynamicconfig.history/]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand upgrade-check" -l history-keep -d 'Keep the newest N change records; a writer prunes older ones (0: no limit) [default: 10000]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand upgrade-check" -l history-max-age -d 'Keep change records no older than this, e.g. 90d (0: no limit) [default: 365d]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand upgrade-check" -l require-message -d 'Refuse writes without -m/--message' -r -f -a "true\t''
false\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand upgrade-check" -l finish -d 'With --out, once every server runs the new release: delete the names it no longer reads'
complete -c tcfg -n "__fish_tcfg_using_subcommand upgrade-check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tcfg -n "__fish_tcfg_using_subcommand upgrade-check" -s V -l version -d 'Print version'
complete -c tcfg -n "__fish_tcfg_using_subcommand completions" -l dir -d 'Write the scripts of every shell into this folder (for packagers)' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand completions" -l temporal-version -d 'Temporal release whose keys apply (1.27 to 1.31; default: the newest), or OLD..NEW during a rolling upgrade (the config must suit both)' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand completions" -l schema -d 'Key registry file (TSV: key, type, precedence, default, constrained_defaults) for a custom or newer server build' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand completions" -l color -d 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand completions" -l log-format -d 'Log lines (TCFG_LOG=debug; `render --follow` logs at info) as text or JSON, one object per line' -r -f -a "text\t''
json\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand completions" -l endpoints -d 'etcd endpoints, host:port or http(s):// URLs, comma-separated [default: 127.0.0.1:2379]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand completions" -l prefix -d 'Key prefix of the dynamic config (a trailing / is added) [default: /temporal/dynamicconfig/]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand completions" -l cacert -d 'CA certificate (PEM) that signed the etcd server certificates' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand completions" -l cert -d 'Client certificate (PEM) for mutual TLS' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand completions" -l key -d 'Client private key (PEM) for mutual TLS' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand completions" -l user -d 'etcd user (also `name:password`); the password is prompted for on a terminal when not given' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand completions" -l password -d 'etcd password' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand completions" -l dial-timeout -d 'Time to establish a connection [default: 2s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand completions" -l command-timeout -d 'Time for one command\'s requests [default: 5s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand completions" -l config -d 'The seed library\'s YAML config file (etcdConfigs, globalKeyPrefix, TLS files) [default: $XDG_CONFIG_HOME/tcfg/config.yaml when present]' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand completions" -l cluster -d 'Which etcdConfigs entry of the config file to use [default: the first]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand completions" -l history-prefix -d 'Where change records go [default: beside the prefix, e.g. /temporal/dynamicconfig.history/]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand completions" -l history-keep -d 'Keep the newest N change records; a writer prunes older ones (0: no limit) [default: 10000]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand completions" -l history-max-age -d 'Keep change records no older than this, e.g. 90d (0: no limit) [default: 365d]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand completions" -l require-message -d 'Refuse writes without -m/--message' -r -f -a "true\t''
false\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tcfg -n "__fish_tcfg_using_subcommand completions" -s V -l version -d 'Print version'
complete -c tcfg -n "__fish_tcfg_using_subcommand reference" -l markdown -d 'Write the Markdown command reference to this file' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand reference" -l man -d 'Write a man page per command into this folder' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand reference" -l temporal-version -d 'Temporal release whose keys apply (1.27 to 1.31; default: the newest), or OLD..NEW during a rolling upgrade (the config must suit both)' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand reference" -l schema -d 'Key registry file (TSV: key, type, precedence, default, constrained_defaults) for a custom or newer server build' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand reference" -l color -d 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand reference" -l log-format -d 'Log lines (TCFG_LOG=debug; `render --follow` logs at info) as text or JSON, one object per line' -r -f -a "text\t''
json\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand reference" -l endpoints -d 'etcd endpoints, host:port or http(s):// URLs, comma-separated [default: 127.0.0.1:2379]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand reference" -l prefix -d 'Key prefix of the dynamic config (a trailing / is added) [default: /temporal/dynamicconfig/]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand reference" -l cacert -d 'CA certificate (PEM) that signed the etcd server certificates' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand reference" -l cert -d 'Client certificate (PEM) for mutual TLS' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand reference" -l key -d 'Client private key (PEM) for mutual TLS' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand reference" -l user -d 'etcd user (also `name:password`); the password is prompted for on a terminal when not given' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand reference" -l password -d 'etcd password' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand reference" -l dial-timeout -d 'Time to establish a connection [default: 2s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand reference" -l command-timeout -d 'Time for one command\'s requests [default: 5s]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand reference" -l config -d 'The seed library\'s YAML config file (etcdConfigs, globalKeyPrefix, TLS files) [default: $XDG_CONFIG_HOME/tcfg/config.yaml when present]' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand reference" -l cluster -d 'Which etcdConfigs entry of the config file to use [default: the first]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand reference" -l history-prefix -d 'Where change records go [default: beside the prefix, e.g. /temporal/dynamicconfig.history/]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand reference" -l history-keep -d 'Keep the newest N change records; a writer prunes older ones (0: no limit) [default: 10000]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand reference" -l history-max-age -d 'Keep change records no older than this, e.g. 90d (0: no limit) [default: 365d]' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand reference" -l require-message -d 'Refuse writes without -m/--message' -r -f -a "true\t''
false\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand reference" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tcfg -n "__fish_tcfg_using_subcommand reference" -s V -l version -d 'Print version'
complete -c tcfg -n "__fish_tcfg_using_subcommand help; and not __fish_seen_subcommand_from validate keys get put delete edit dump diff apply sync watch render log show revert rollback overrides expire freeze unfreeze status clusters upgrade-check completions reference help" -f -a "validate" -d 'Check dynamic config files as Temporal would read them, and for what Temporal misses'
complete -c tcfg -n "__fish_tcfg_using_subcommand help; and not __fish_seen_subcommand_from validate keys get put delete edit dump diff apply sync watch render log show revert rollback overrides expire freeze unfreeze status clusters upgrade-check completions reference help" -f -a "keys" -d 'List the keys a Temporal release registers, or show one key in full'
complete -c tcfg -n "__fish_tcfg_using_subcommand help; and not __fish_seen_subcommand_from validate keys get put delete edit dump diff apply sync watch render log show revert rollback overrides expire freeze unfreeze status clusters upgrade-check completions reference help" -f -a "get" -d 'Show a key\'s stored items, or its effective value for a namespace, task queue...'
complete -c tcfg -n "__fish_tcfg_using_subcommand help; and not __fish_seen_subcommand_from validate keys get put delete edit dump diff apply sync watch render log show revert rollback overrides expire freeze unfreeze status clusters upgrade-check completions reference help" -f -a "put" -d 'Set one item of a key (or, with -f, its whole list)'
complete -c tcfg -n "__fish_tcfg_using_subcommand help; and not __fish_seen_subcommand_from validate keys get put delete edit dump diff apply sync watch render log show revert rollback overrides expire freeze unfreeze status clusters upgrade-check completions reference help" -f -a "delete" -d 'Remove one item of a key, or the whole key with --all'
complete -c tcfg -n "__fish_tcfg_using_subcommand help; and not __fish_seen_subcommand_from validate keys get put delete edit dump diff apply sync watch render log show revert rollback overrides expire freeze unfreeze status clusters upgrade-check completions reference help" -f -a "edit" -d 'Edit a key\'s items (or one item\'s value) in your editor, validated before it is written'
complete -c tcfg -n "__fish_tcfg_using_subcommand help; and not __fish_seen_subcommand_from validate keys get put delete edit dump diff apply sync watch render log show revert rollback overrides expire freeze unfreeze status clusters upgrade-check completions reference help" -f -a "dump" -d 'Print every key under the prefix as one document'
complete -c tcfg -n "__fish_tcfg_using_subcommand help; and not __fish_seen_subcommand_from validate keys get put delete edit dump diff apply sync watch render log show revert rollback overrides expire freeze unfreeze status clusters upgrade-check completions reference help" -f -a "diff" -d 'Show what apply would change (exit 0: nothing, 2: changes)'
complete -c tcfg -n "__fish_tcfg_using_subcommand help; and not __fish_seen_subcommand_from validate keys get put delete edit dump diff apply sync watch render log show revert rollback overrides expire freeze unfreeze status clusters upgrade-check completions reference help" -f -a "apply" -d 'Make the prefix hold the given files, in one atomic, conflict-checked transaction'
complete -c tcfg -n "__fish_tcfg_using_subcommand help; and not __fish_seen_subcommand_from validate keys get put delete edit dump diff apply sync watch render log show revert rollback overrides expire freeze unfreeze status clusters upgrade-check completions reference help" -f -a "sync" -d 'Make other prefixes (clusters) identical to a source prefix'
complete -c tcfg -n "__fish_tcfg_using_subcommand help; and not __fish_seen_subcommand_from validate keys get put delete edit dump diff apply sync watch render log show revert rollback overrides expire freeze unfreeze status clusters upgrade-check completions reference help" -f -a "watch" -d 'Follow changes as they happen (several prefixes at once, with drift reports)'
complete -c tcfg -n "__fish_tcfg_using_subcommand help; and not __fish_seen_subcommand_from validate keys get put delete edit dump diff apply sync watch render log show revert rollback overrides expire freeze unfreeze status clusters upgrade-check completions reference help" -f -a "render" -d 'Write the prefix as the YAML file a stock Temporal server reads (dynamicConfigClient.filepath)'
complete -c tcfg -n "__fish_tcfg_using_subcommand help; and not __fish_seen_subcommand_from validate keys get put delete edit dump diff apply sync watch render log show revert rollback overrides expire freeze unfreeze status clusters upgrade-check completions reference help" -f -a "log" -d 'Who changed what, when and why: the changes under the prefix, newest first'
complete -c tcfg -n "__fish_tcfg_using_subcommand help; and not __fish_seen_subcommand_from validate keys get put delete edit dump diff apply sync watch render log show revert rollback overrides expire freeze unfreeze status clusters upgrade-check completions reference help" -f -a "show" -d 'One change in full: its record and its diff'
complete -c tcfg -n "__fish_tcfg_using_subcommand help; and not __fish_seen_subcommand_from validate keys get put delete edit dump diff apply sync watch render log show revert rollback overrides expire freeze unfreeze status clusters upgrade-check completions reference help" -f -a "revert" -d 'Undo one change (the keys it touched), with compare-and-swap'
complete -c tcfg -n "__fish_tcfg_using_subcommand help; and not __fish_seen_subcommand_from validate keys get put delete edit dump diff apply sync watch render log show revert rollback overrides expire freeze unfreeze status clusters upgrade-check completions reference help" -f -a "rollback" -d 'Make the prefix (or some keys) what it was at a revision or time'
complete -c tcfg -n "__fish_tcfg_using_subcommand help; and not __fish_seen_subcommand_from validate keys get put delete edit dump diff apply sync watch render log show revert rollback overrides expire freeze unfreeze status clusters upgrade-check completions reference help" -f -a "overrides" -d 'Incident overrides in force (writes made with --for or --until): list, extend, end'
complete -c tcfg -n "__fish_tcfg_using_subcommand help; and not __fish_seen_subcommand_from validate keys get put delete edit dump diff apply sync watch render log show revert rollback overrides expire freeze unfreeze status clusters upgrade-check completions reference help" -f -a "expire" -d 'Restore every incident override that is due (for cron or a CI schedule)'
complete -c tcfg -n "__fish_tcfg_using_subcommand help; and not __fish_seen_subcommand_from validate keys get put delete edit dump diff apply sync watch render log show revert rollback overrides expire freeze unfreeze status clusters upgrade-check completions reference help" -f -a "freeze" -d 'Refuse every write to the prefix for a while (a release freeze), but --break-freeze'
complete -c tcfg -n "__fish_tcfg_using_subcommand help; and not __fish_seen_subcommand_from validate keys get put delete edit dump diff apply sync watch render log show revert rollback overrides expire freeze unfreeze status clusters upgrade-check completions reference help" -f -a "unfreeze" -d 'Lift a freeze'
complete -c tcfg -n "__fish_tcfg_using_subcommand help; and not __fish_seen_subcommand_from validate keys get put delete edit dump diff apply sync watch render log show revert rollback overrides expire freeze unfreeze status clusters upgrade-check completions reference help" -f -a "status" -d 'Every etcd cluster and prefix at a glance: members, alarms, compaction, drift, renderers'
complete -c tcfg -n "__fish_tcfg_using_subcommand help; and not __fish_seen_subcommand_from validate keys get put delete edit dump diff apply sync watch render log show revert rollback overrides expire freeze unfreeze status clusters upgrade-check completions reference help" -f -a "clusters" -d 'Where tcfg connects: the config file\'s clusters, the current one, and where each setting comes from'
complete -c tcfg -n "__fish_tcfg_using_subcommand help; and not __fish_seen_subcommand_from validate keys get put delete edit dump diff apply sync watch render log show revert rollback overrides expire freeze unfreeze status clusters upgrade-check completions reference help" -f -a "upgrade-check" -d 'What a config needs before the servers move to another Temporal release, and the plans that migrate it'
complete -c tcfg -n "__fish_tcfg_using_subcommand help; and not __fish_seen_subcommand_from validate keys get put delete edit dump diff apply sync watch render log show revert rollback overrides expire freeze unfreeze status clusters upgrade-check completions reference help" -f -a "completions" -d 'Print a shell completion script'
complete -c tcfg -n "__fish_tcfg_using_subcommand help; and not __fish_seen_subcommand_from validate keys get put delete edit dump diff apply sync watch render log show revert rollback overrides expire freeze unfreeze status clusters upgrade-check completions reference help" -f -a "reference" -d 'Write the command reference and man pages (for maintainers)'
complete -c tcfg -n "__fish_tcfg_using_subcommand help; and not __fish_seen_subcommand_from validate keys get put delete edit dump diff apply sync watch render log show revert rollback overrides expire freeze unfreeze status clusters upgrade-check completions reference help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tcfg -n "__fish_tcfg_using_subcommand help; and __fish_seen_subcommand_from overrides" -f -a "extend" -d 'Give an override a new end (--for from now, or --until)'
complete -c tcfg -n "__fish_tcfg_using_subcommand help; and __fish_seen_subcommand_from overrides" -f -a "end" -d 'End an override now: restore its item (unless it changed since)'
