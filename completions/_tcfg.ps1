
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'tcfg' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'tcfg'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'tcfg' {
            [CompletionResult]::new('--temporal-version', '--temporal-version', [CompletionResultType]::ParameterName, 'Temporal release whose keys apply (1.27 to 1.31; default: the newest)')
            [CompletionResult]::new('--schema', '--schema', [CompletionResultType]::ParameterName, 'Key registry file (TSV: key, type, precedence, default, constrained_defaults) for a custom or newer server build')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)')
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'etcd endpoints, host:port or http(s):// URLs, comma-separated [default: 127.0.0.1:2379]')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Key prefix of the dynamic config (a trailing / is added) [default: /temporal/dynamicconfig/]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA certificate (PEM) that signed the etcd server certificates')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for mutual TLS')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client private key (PEM) for mutual TLS')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'etcd user (also `name:password`); the password is prompted for on a terminal when not given')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'etcd password')
            [CompletionResult]::new('--dial-timeout', '--dial-timeout', [CompletionResultType]::ParameterName, 'Time to establish a connection [default: 2s]')
            [CompletionResult]::new('--command-timeout', '--command-timeout', [CompletionResultType]::ParameterName, 'Time for one command''s requests [default: 5s]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The seed library''s YAML config file (etcdConfigs, globalKeyPrefix, TLS files) [default: $XDG_CONFIG_HOME/tcfg/config.yaml when present]')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'Which etcdConfigs entry of the config file to use [default: the first]')
            [CompletionResult]::new('--history-prefix', '--history-prefix', [CompletionResultType]::ParameterName, 'Where change records go [default: beside the prefix, e.g. /temporal/dynamicconfig.history/]')
            [CompletionResult]::new('--history-keep', '--history-keep', [CompletionResultType]::ParameterName, 'Keep the newest N change records; a writer prunes older ones (0: no limit) [default: 10000]')
            [CompletionResult]::new('--history-max-age', '--history-max-age', [CompletionResultType]::ParameterName, 'Keep change records no older than this, e.g. 90d (0: no limit) [default: 365d]')
            [CompletionResult]::new('--require-message', '--require-message', [CompletionResultType]::ParameterName, 'Refuse writes without -m/--message')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check dynamic config files as Temporal would read them, and for what Temporal misses')
            [CompletionResult]::new('keys', 'keys', [CompletionResultType]::ParameterValue, 'List the keys a Temporal release registers, or show one key in full')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Show a key''s stored items, or its effective value for a namespace, task queue...')
            [CompletionResult]::new('put', 'put', [CompletionResultType]::ParameterValue, 'Set one item of a key (or, with -f, its whole list)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Remove one item of a key, or the whole key with --all')
            [CompletionResult]::new('dump', 'dump', [CompletionResultType]::ParameterValue, 'Print every key under the prefix as one document')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Show what apply would change (exit 0: nothing, 2: changes)')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Make the prefix hold the given files, in one atomic, conflict-checked transaction')
            [CompletionResult]::new('sync', 'sync', [CompletionResultType]::ParameterValue, 'Make other prefixes (clusters) identical to a source prefix')
            [CompletionResult]::new('watch', 'watch', [CompletionResultType]::ParameterValue, 'Follow changes as they happen (several prefixes at once, with drift reports)')
            [CompletionResult]::new('render', 'render', [CompletionResultType]::ParameterValue, 'Write the prefix as the YAML file a stock Temporal server reads (dynamicConfigClient.filepath)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tcfg;validate' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Files to check (YAML or JSON; `-` reads standard input). Together they form one config')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Files to check (YAML or JSON; `-` reads standard input). Together they form one config')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Report format: text findings on stderr, or one JSON report on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Report format: text findings on stderr, or one JSON report on stdout')
            [CompletionResult]::new('--temporal-version', '--temporal-version', [CompletionResultType]::ParameterName, 'Temporal release whose keys apply (1.27 to 1.31; default: the newest)')
            [CompletionResult]::new('--schema', '--schema', [CompletionResultType]::ParameterName, 'Key registry file (TSV: key, type, precedence, default, constrained_defaults) for a custom or newer server build')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)')
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'etcd endpoints, host:port or http(s):// URLs, comma-separated [default: 127.0.0.1:2379]')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Key prefix of the dynamic config (a trailing / is added) [default: /temporal/dynamicconfig/]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA certificate (PEM) that signed the etcd server certificates')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for mutual TLS')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client private key (PEM) for mutual TLS')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'etcd user (also `name:password`); the password is prompted for on a terminal when not given')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'etcd password')
            [CompletionResult]::new('--dial-timeout', '--dial-timeout', [CompletionResultType]::ParameterName, 'Time to establish a connection [default: 2s]')
            [CompletionResult]::new('--command-timeout', '--command-timeout', [CompletionResultType]::ParameterName, 'Time for one command''s requests [default: 5s]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The seed library''s YAML config file (etcdConfigs, globalKeyPrefix, TLS files) [default: $XDG_CONFIG_HOME/tcfg/config.yaml when present]')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'Which etcdConfigs entry of the config file to use [default: the first]')
            [CompletionResult]::new('--history-prefix', '--history-prefix', [CompletionResultType]::ParameterName, 'Where change records go [default: beside the prefix, e.g. /temporal/dynamicconfig.history/]')
            [CompletionResult]::new('--history-keep', '--history-keep', [CompletionResultType]::ParameterName, 'Keep the newest N change records; a writer prunes older ones (0: no limit) [default: 10000]')
            [CompletionResult]::new('--history-max-age', '--history-max-age', [CompletionResultType]::ParameterName, 'Keep change records no older than this, e.g. 90d (0: no limit) [default: 365d]')
            [CompletionResult]::new('--require-message', '--require-message', [CompletionResultType]::ParameterName, 'Refuse writes without -m/--message')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Fail on warnings too (notes never fail)')
            [CompletionResult]::new('--allow-unknown-keys', '--allow-unknown-keys', [CompletionResultType]::ParameterName, 'Report unknown keys as warnings, for custom server builds with keys of their own')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tcfg;keys' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Only keys of this type (bool, int, float, string, duration, map, typed)')
            [CompletionResult]::new('--precedence', '--precedence', [CompletionResultType]::ParameterName, 'Only keys of this precedence (global, namespace, namespaceId, taskQueue, shardId, taskType, destination, chasmTaskType)')
            [CompletionResult]::new('--temporal-version', '--temporal-version', [CompletionResultType]::ParameterName, 'Temporal release whose keys apply (1.27 to 1.31; default: the newest)')
            [CompletionResult]::new('--schema', '--schema', [CompletionResultType]::ParameterName, 'Key registry file (TSV: key, type, precedence, default, constrained_defaults) for a custom or newer server build')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)')
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'etcd endpoints, host:port or http(s):// URLs, comma-separated [default: 127.0.0.1:2379]')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Key prefix of the dynamic config (a trailing / is added) [default: /temporal/dynamicconfig/]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA certificate (PEM) that signed the etcd server certificates')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for mutual TLS')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client private key (PEM) for mutual TLS')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'etcd user (also `name:password`); the password is prompted for on a terminal when not given')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'etcd password')
            [CompletionResult]::new('--dial-timeout', '--dial-timeout', [CompletionResultType]::ParameterName, 'Time to establish a connection [default: 2s]')
            [CompletionResult]::new('--command-timeout', '--command-timeout', [CompletionResultType]::ParameterName, 'Time for one command''s requests [default: 5s]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The seed library''s YAML config file (etcdConfigs, globalKeyPrefix, TLS files) [default: $XDG_CONFIG_HOME/tcfg/config.yaml when present]')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'Which etcdConfigs entry of the config file to use [default: the first]')
            [CompletionResult]::new('--history-prefix', '--history-prefix', [CompletionResultType]::ParameterName, 'Where change records go [default: beside the prefix, e.g. /temporal/dynamicconfig.history/]')
            [CompletionResult]::new('--history-keep', '--history-keep', [CompletionResultType]::ParameterName, 'Keep the newest N change records; a writer prunes older ones (0: no limit) [default: 10000]')
            [CompletionResult]::new('--history-max-age', '--history-max-age', [CompletionResultType]::ParameterName, 'Keep change records no older than this, e.g. 90d (0: no limit) [default: 365d]')
            [CompletionResult]::new('--require-message', '--require-message', [CompletionResultType]::ParameterName, 'Refuse writes without -m/--message')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tcfg;get' {
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace name')
            [CompletionResult]::new('--namespace-id', '--namespace-id', [CompletionResultType]::ParameterName, 'Namespace ID')
            [CompletionResult]::new('--task-queue', '--task-queue', [CompletionResultType]::ParameterName, 'Task queue name (a partition such as /_sys/orders/3 counts as its base name)')
            [CompletionResult]::new('--task-type', '--task-type', [CompletionResultType]::ParameterName, 'Task queue type: Workflow, Activity or Nexus')
            [CompletionResult]::new('--history-task-type', '--history-task-type', [CompletionResultType]::ParameterName, 'History task type, such as TransferActivityTask or UserTimer')
            [CompletionResult]::new('--shard-id', '--shard-id', [CompletionResultType]::ParameterName, 'History shard ID')
            [CompletionResult]::new('--destination', '--destination', [CompletionResultType]::ParameterName, 'Nexus or callback destination')
            [CompletionResult]::new('--chasm-task-type', '--chasm-task-type', [CompletionResultType]::ParameterName, 'CHASM task type')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, yaml otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, yaml otherwise]')
            [CompletionResult]::new('--temporal-version', '--temporal-version', [CompletionResultType]::ParameterName, 'Temporal release whose keys apply (1.27 to 1.31; default: the newest)')
            [CompletionResult]::new('--schema', '--schema', [CompletionResultType]::ParameterName, 'Key registry file (TSV: key, type, precedence, default, constrained_defaults) for a custom or newer server build')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)')
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'etcd endpoints, host:port or http(s):// URLs, comma-separated [default: 127.0.0.1:2379]')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Key prefix of the dynamic config (a trailing / is added) [default: /temporal/dynamicconfig/]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA certificate (PEM) that signed the etcd server certificates')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for mutual TLS')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client private key (PEM) for mutual TLS')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'etcd user (also `name:password`); the password is prompted for on a terminal when not given')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'etcd password')
            [CompletionResult]::new('--dial-timeout', '--dial-timeout', [CompletionResultType]::ParameterName, 'Time to establish a connection [default: 2s]')
            [CompletionResult]::new('--command-timeout', '--command-timeout', [CompletionResultType]::ParameterName, 'Time for one command''s requests [default: 5s]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The seed library''s YAML config file (etcdConfigs, globalKeyPrefix, TLS files) [default: $XDG_CONFIG_HOME/tcfg/config.yaml when present]')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'Which etcdConfigs entry of the config file to use [default: the first]')
            [CompletionResult]::new('--history-prefix', '--history-prefix', [CompletionResultType]::ParameterName, 'Where change records go [default: beside the prefix, e.g. /temporal/dynamicconfig.history/]')
            [CompletionResult]::new('--history-keep', '--history-keep', [CompletionResultType]::ParameterName, 'Keep the newest N change records; a writer prunes older ones (0: no limit) [default: 10000]')
            [CompletionResult]::new('--history-max-age', '--history-max-age', [CompletionResultType]::ParameterName, 'Keep change records no older than this, e.g. 90d (0: no limit) [default: 365d]')
            [CompletionResult]::new('--require-message', '--require-message', [CompletionResultType]::ParameterName, 'Refuse writes without -m/--message')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tcfg;put' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Replace the key''s whole list with the items in this file (`-` for stdin)')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Replace the key''s whole list with the items in this file (`-` for stdin)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace name')
            [CompletionResult]::new('--namespace-id', '--namespace-id', [CompletionResultType]::ParameterName, 'Namespace ID')
            [CompletionResult]::new('--task-queue', '--task-queue', [CompletionResultType]::ParameterName, 'Task queue name (a partition such as /_sys/orders/3 counts as its base name)')
            [CompletionResult]::new('--task-type', '--task-type', [CompletionResultType]::ParameterName, 'Task queue type: Workflow, Activity or Nexus')
            [CompletionResult]::new('--history-task-type', '--history-task-type', [CompletionResultType]::ParameterName, 'History task type, such as TransferActivityTask or UserTimer')
            [CompletionResult]::new('--shard-id', '--shard-id', [CompletionResultType]::ParameterName, 'History shard ID')
            [CompletionResult]::new('--destination', '--destination', [CompletionResultType]::ParameterName, 'Nexus or callback destination')
            [CompletionResult]::new('--chasm-task-type', '--chasm-task-type', [CompletionResultType]::ParameterName, 'CHASM task type')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'Why: kept in the change record (`tcfg log`) with the author and the change')
            [CompletionResult]::new('--message', '--message', [CompletionResultType]::ParameterName, 'Why: kept in the change record (`tcfg log`) with the author and the change')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'After writing, wait until every renderer of the prefix (`tcfg render --follow`) reports the write, for at most TIMEOUT [default: 60s]')
            [CompletionResult]::new('--temporal-version', '--temporal-version', [CompletionResultType]::ParameterName, 'Temporal release whose keys apply (1.27 to 1.31; default: the newest)')
            [CompletionResult]::new('--schema', '--schema', [CompletionResultType]::ParameterName, 'Key registry file (TSV: key, type, precedence, default, constrained_defaults) for a custom or newer server build')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)')
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'etcd endpoints, host:port or http(s):// URLs, comma-separated [default: 127.0.0.1:2379]')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Key prefix of the dynamic config (a trailing / is added) [default: /temporal/dynamicconfig/]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA certificate (PEM) that signed the etcd server certificates')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for mutual TLS')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client private key (PEM) for mutual TLS')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'etcd user (also `name:password`); the password is prompted for on a terminal when not given')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'etcd password')
            [CompletionResult]::new('--dial-timeout', '--dial-timeout', [CompletionResultType]::ParameterName, 'Time to establish a connection [default: 2s]')
            [CompletionResult]::new('--command-timeout', '--command-timeout', [CompletionResultType]::ParameterName, 'Time for one command''s requests [default: 5s]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The seed library''s YAML config file (etcdConfigs, globalKeyPrefix, TLS files) [default: $XDG_CONFIG_HOME/tcfg/config.yaml when present]')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'Which etcdConfigs entry of the config file to use [default: the first]')
            [CompletionResult]::new('--history-prefix', '--history-prefix', [CompletionResultType]::ParameterName, 'Where change records go [default: beside the prefix, e.g. /temporal/dynamicconfig.history/]')
            [CompletionResult]::new('--history-keep', '--history-keep', [CompletionResultType]::ParameterName, 'Keep the newest N change records; a writer prunes older ones (0: no limit) [default: 10000]')
            [CompletionResult]::new('--history-max-age', '--history-max-age', [CompletionResultType]::ParameterName, 'Keep change records no older than this, e.g. 90d (0: no limit) [default: 365d]')
            [CompletionResult]::new('--require-message', '--require-message', [CompletionResultType]::ParameterName, 'Refuse writes without -m/--message')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (needed when standard input is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (needed when standard input is not a terminal)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would change and write nothing')
            [CompletionResult]::new('--allow-unknown-keys', '--allow-unknown-keys', [CompletionResultType]::ParameterName, 'Accept a key the release does not register (custom server builds)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tcfg;delete' {
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace name')
            [CompletionResult]::new('--namespace-id', '--namespace-id', [CompletionResultType]::ParameterName, 'Namespace ID')
            [CompletionResult]::new('--task-queue', '--task-queue', [CompletionResultType]::ParameterName, 'Task queue name (a partition such as /_sys/orders/3 counts as its base name)')
            [CompletionResult]::new('--task-type', '--task-type', [CompletionResultType]::ParameterName, 'Task queue type: Workflow, Activity or Nexus')
            [CompletionResult]::new('--history-task-type', '--history-task-type', [CompletionResultType]::ParameterName, 'History task type, such as TransferActivityTask or UserTimer')
            [CompletionResult]::new('--shard-id', '--shard-id', [CompletionResultType]::ParameterName, 'History shard ID')
            [CompletionResult]::new('--destination', '--destination', [CompletionResultType]::ParameterName, 'Nexus or callback destination')
            [CompletionResult]::new('--chasm-task-type', '--chasm-task-type', [CompletionResultType]::ParameterName, 'CHASM task type')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'Why: kept in the change record (`tcfg log`) with the author and the change')
            [CompletionResult]::new('--message', '--message', [CompletionResultType]::ParameterName, 'Why: kept in the change record (`tcfg log`) with the author and the change')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'After writing, wait until every renderer of the prefix (`tcfg render --follow`) reports the write, for at most TIMEOUT [default: 60s]')
            [CompletionResult]::new('--temporal-version', '--temporal-version', [CompletionResultType]::ParameterName, 'Temporal release whose keys apply (1.27 to 1.31; default: the newest)')
            [CompletionResult]::new('--schema', '--schema', [CompletionResultType]::ParameterName, 'Key registry file (TSV: key, type, precedence, default, constrained_defaults) for a custom or newer server build')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)')
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'etcd endpoints, host:port or http(s):// URLs, comma-separated [default: 127.0.0.1:2379]')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Key prefix of the dynamic config (a trailing / is added) [default: /temporal/dynamicconfig/]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA certificate (PEM) that signed the etcd server certificates')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for mutual TLS')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client private key (PEM) for mutual TLS')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'etcd user (also `name:password`); the password is prompted for on a terminal when not given')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'etcd password')
            [CompletionResult]::new('--dial-timeout', '--dial-timeout', [CompletionResultType]::ParameterName, 'Time to establish a connection [default: 2s]')
            [CompletionResult]::new('--command-timeout', '--command-timeout', [CompletionResultType]::ParameterName, 'Time for one command''s requests [default: 5s]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The seed library''s YAML config file (etcdConfigs, globalKeyPrefix, TLS files) [default: $XDG_CONFIG_HOME/tcfg/config.yaml when present]')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'Which etcdConfigs entry of the config file to use [default: the first]')
            [CompletionResult]::new('--history-prefix', '--history-prefix', [CompletionResultType]::ParameterName, 'Where change records go [default: beside the prefix, e.g. /temporal/dynamicconfig.history/]')
            [CompletionResult]::new('--history-keep', '--history-keep', [CompletionResultType]::ParameterName, 'Keep the newest N change records; a writer prunes older ones (0: no limit) [default: 10000]')
            [CompletionResult]::new('--history-max-age', '--history-max-age', [CompletionResultType]::ParameterName, 'Keep change records no older than this, e.g. 90d (0: no limit) [default: 365d]')
            [CompletionResult]::new('--require-message', '--require-message', [CompletionResultType]::ParameterName, 'Refuse writes without -m/--message')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Delete the whole key, every item of it')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (needed when standard input is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (needed when standard input is not a terminal)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would change and write nothing')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tcfg;dump' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--revision', '--revision', [CompletionResultType]::ParameterName, 'Read as of this etcd revision')
            [CompletionResult]::new('--temporal-version', '--temporal-version', [CompletionResultType]::ParameterName, 'Temporal release whose keys apply (1.27 to 1.31; default: the newest)')
            [CompletionResult]::new('--schema', '--schema', [CompletionResultType]::ParameterName, 'Key registry file (TSV: key, type, precedence, default, constrained_defaults) for a custom or newer server build')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)')
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'etcd endpoints, host:port or http(s):// URLs, comma-separated [default: 127.0.0.1:2379]')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Key prefix of the dynamic config (a trailing / is added) [default: /temporal/dynamicconfig/]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA certificate (PEM) that signed the etcd server certificates')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for mutual TLS')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client private key (PEM) for mutual TLS')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'etcd user (also `name:password`); the password is prompted for on a terminal when not given')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'etcd password')
            [CompletionResult]::new('--dial-timeout', '--dial-timeout', [CompletionResultType]::ParameterName, 'Time to establish a connection [default: 2s]')
            [CompletionResult]::new('--command-timeout', '--command-timeout', [CompletionResultType]::ParameterName, 'Time for one command''s requests [default: 5s]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The seed library''s YAML config file (etcdConfigs, globalKeyPrefix, TLS files) [default: $XDG_CONFIG_HOME/tcfg/config.yaml when present]')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'Which etcdConfigs entry of the config file to use [default: the first]')
            [CompletionResult]::new('--history-prefix', '--history-prefix', [CompletionResultType]::ParameterName, 'Where change records go [default: beside the prefix, e.g. /temporal/dynamicconfig.history/]')
            [CompletionResult]::new('--history-keep', '--history-keep', [CompletionResultType]::ParameterName, 'Keep the newest N change records; a writer prunes older ones (0: no limit) [default: 10000]')
            [CompletionResult]::new('--history-max-age', '--history-max-age', [CompletionResultType]::ParameterName, 'Keep change records no older than this, e.g. 90d (0: no limit) [default: 365d]')
            [CompletionResult]::new('--require-message', '--require-message', [CompletionResultType]::ParameterName, 'Refuse writes without -m/--message')
            [CompletionResult]::new('--keys-only', '--keys-only', [CompletionResultType]::ParameterName, 'Only the key names, one per line')
            [CompletionResult]::new('--allow-unknown-keys', '--allow-unknown-keys', [CompletionResultType]::ParameterName, 'Report keys the release does not register as warnings, not errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tcfg;diff' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'The desired state (YAML or JSON, `-` for stdin); several form one config')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'The desired state (YAML or JSON, `-` for stdin); several form one config')
            [CompletionResult]::new('--prefixes', '--prefixes', [CompletionResultType]::ParameterName, 'Compare two prefixes: the second as `sync` would make it like the first')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Save the plan to this file, for `tcfg apply PLAN_FILE`')
            [CompletionResult]::new('--temporal-version', '--temporal-version', [CompletionResultType]::ParameterName, 'Temporal release whose keys apply (1.27 to 1.31; default: the newest)')
            [CompletionResult]::new('--schema', '--schema', [CompletionResultType]::ParameterName, 'Key registry file (TSV: key, type, precedence, default, constrained_defaults) for a custom or newer server build')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)')
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'etcd endpoints, host:port or http(s):// URLs, comma-separated [default: 127.0.0.1:2379]')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Key prefix of the dynamic config (a trailing / is added) [default: /temporal/dynamicconfig/]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA certificate (PEM) that signed the etcd server certificates')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for mutual TLS')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client private key (PEM) for mutual TLS')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'etcd user (also `name:password`); the password is prompted for on a terminal when not given')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'etcd password')
            [CompletionResult]::new('--dial-timeout', '--dial-timeout', [CompletionResultType]::ParameterName, 'Time to establish a connection [default: 2s]')
            [CompletionResult]::new('--command-timeout', '--command-timeout', [CompletionResultType]::ParameterName, 'Time for one command''s requests [default: 5s]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The seed library''s YAML config file (etcdConfigs, globalKeyPrefix, TLS files) [default: $XDG_CONFIG_HOME/tcfg/config.yaml when present]')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'Which etcdConfigs entry of the config file to use [default: the first]')
            [CompletionResult]::new('--history-prefix', '--history-prefix', [CompletionResultType]::ParameterName, 'Where change records go [default: beside the prefix, e.g. /temporal/dynamicconfig.history/]')
            [CompletionResult]::new('--history-keep', '--history-keep', [CompletionResultType]::ParameterName, 'Keep the newest N change records; a writer prunes older ones (0: no limit) [default: 10000]')
            [CompletionResult]::new('--history-max-age', '--history-max-age', [CompletionResultType]::ParameterName, 'Keep change records no older than this, e.g. 90d (0: no limit) [default: 365d]')
            [CompletionResult]::new('--require-message', '--require-message', [CompletionResultType]::ParameterName, 'Refuse writes without -m/--message')
            [CompletionResult]::new('--prune', '--prune', [CompletionResultType]::ParameterName, 'Count keys the desired state does not name as deletions (as `apply --prune`)')
            [CompletionResult]::new('--allow-unknown-keys', '--allow-unknown-keys', [CompletionResultType]::ParameterName, 'Accept keys the release does not register (custom server builds)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tcfg;apply' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'The desired state (YAML or JSON, `-` for stdin); several form one config')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'The desired state (YAML or JSON, `-` for stdin); several form one config')
            [CompletionResult]::new('--max-txn-ops', '--max-txn-ops', [CompletionResultType]::ParameterName, 'The server''s --max-txn-ops: the most operations one transaction may hold')
            [CompletionResult]::new('--max-request-bytes', '--max-request-bytes', [CompletionResultType]::ParameterName, 'The server''s --max-request-bytes: the largest transaction it accepts')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'Why: kept in the change record (`tcfg log`) with the author and the change')
            [CompletionResult]::new('--message', '--message', [CompletionResultType]::ParameterName, 'Why: kept in the change record (`tcfg log`) with the author and the change')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'After writing, wait until every renderer of the prefix (`tcfg render --follow`) reports the write, for at most TIMEOUT [default: 60s]')
            [CompletionResult]::new('--temporal-version', '--temporal-version', [CompletionResultType]::ParameterName, 'Temporal release whose keys apply (1.27 to 1.31; default: the newest)')
            [CompletionResult]::new('--schema', '--schema', [CompletionResultType]::ParameterName, 'Key registry file (TSV: key, type, precedence, default, constrained_defaults) for a custom or newer server build')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)')
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'etcd endpoints, host:port or http(s):// URLs, comma-separated [default: 127.0.0.1:2379]')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Key prefix of the dynamic config (a trailing / is added) [default: /temporal/dynamicconfig/]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA certificate (PEM) that signed the etcd server certificates')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for mutual TLS')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client private key (PEM) for mutual TLS')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'etcd user (also `name:password`); the password is prompted for on a terminal when not given')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'etcd password')
            [CompletionResult]::new('--dial-timeout', '--dial-timeout', [CompletionResultType]::ParameterName, 'Time to establish a connection [default: 2s]')
            [CompletionResult]::new('--command-timeout', '--command-timeout', [CompletionResultType]::ParameterName, 'Time for one command''s requests [default: 5s]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The seed library''s YAML config file (etcdConfigs, globalKeyPrefix, TLS files) [default: $XDG_CONFIG_HOME/tcfg/config.yaml when present]')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'Which etcdConfigs entry of the config file to use [default: the first]')
            [CompletionResult]::new('--history-prefix', '--history-prefix', [CompletionResultType]::ParameterName, 'Where change records go [default: beside the prefix, e.g. /temporal/dynamicconfig.history/]')
            [CompletionResult]::new('--history-keep', '--history-keep', [CompletionResultType]::ParameterName, 'Keep the newest N change records; a writer prunes older ones (0: no limit) [default: 10000]')
            [CompletionResult]::new('--history-max-age', '--history-max-age', [CompletionResultType]::ParameterName, 'Keep change records no older than this, e.g. 90d (0: no limit) [default: 365d]')
            [CompletionResult]::new('--require-message', '--require-message', [CompletionResultType]::ParameterName, 'Refuse writes without -m/--message')
            [CompletionResult]::new('--prune', '--prune', [CompletionResultType]::ParameterName, 'Also delete dynamic config keys under the prefix that the files do not name (never foreign keys)')
            [CompletionResult]::new('--create-only', '--create-only', [CompletionResultType]::ParameterName, 'Only create keys that do not exist yet; never touch existing ones')
            [CompletionResult]::new('--batch', '--batch', [CompletionResultType]::ParameterName, 'Split a change too big for one transaction into batches (not atomic)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (needed when standard input is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (needed when standard input is not a terminal)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would change and write nothing')
            [CompletionResult]::new('--allow-unknown-keys', '--allow-unknown-keys', [CompletionResultType]::ParameterName, 'Accept keys the release does not register (custom server builds)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tcfg;sync' {
            [CompletionResult]::new('--prefixes', '--prefixes', [CompletionResultType]::ParameterName, 'The prefixes: the first is the source (unless --from), the rest are made identical to it')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'The source prefix')
            [CompletionResult]::new('--max-txn-ops', '--max-txn-ops', [CompletionResultType]::ParameterName, 'The server''s --max-txn-ops')
            [CompletionResult]::new('--max-request-bytes', '--max-request-bytes', [CompletionResultType]::ParameterName, 'The server''s --max-request-bytes')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'Why: kept in the change record (`tcfg log`) with the author and the change')
            [CompletionResult]::new('--message', '--message', [CompletionResultType]::ParameterName, 'Why: kept in the change record (`tcfg log`) with the author and the change')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'After writing, wait until every renderer of the prefix (`tcfg render --follow`) reports the write, for at most TIMEOUT [default: 60s]')
            [CompletionResult]::new('--temporal-version', '--temporal-version', [CompletionResultType]::ParameterName, 'Temporal release whose keys apply (1.27 to 1.31; default: the newest)')
            [CompletionResult]::new('--schema', '--schema', [CompletionResultType]::ParameterName, 'Key registry file (TSV: key, type, precedence, default, constrained_defaults) for a custom or newer server build')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)')
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'etcd endpoints, host:port or http(s):// URLs, comma-separated [default: 127.0.0.1:2379]')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Key prefix of the dynamic config (a trailing / is added) [default: /temporal/dynamicconfig/]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA certificate (PEM) that signed the etcd server certificates')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for mutual TLS')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client private key (PEM) for mutual TLS')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'etcd user (also `name:password`); the password is prompted for on a terminal when not given')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'etcd password')
            [CompletionResult]::new('--dial-timeout', '--dial-timeout', [CompletionResultType]::ParameterName, 'Time to establish a connection [default: 2s]')
            [CompletionResult]::new('--command-timeout', '--command-timeout', [CompletionResultType]::ParameterName, 'Time for one command''s requests [default: 5s]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The seed library''s YAML config file (etcdConfigs, globalKeyPrefix, TLS files) [default: $XDG_CONFIG_HOME/tcfg/config.yaml when present]')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'Which etcdConfigs entry of the config file to use [default: the first]')
            [CompletionResult]::new('--history-prefix', '--history-prefix', [CompletionResultType]::ParameterName, 'Where change records go [default: beside the prefix, e.g. /temporal/dynamicconfig.history/]')
            [CompletionResult]::new('--history-keep', '--history-keep', [CompletionResultType]::ParameterName, 'Keep the newest N change records; a writer prunes older ones (0: no limit) [default: 10000]')
            [CompletionResult]::new('--history-max-age', '--history-max-age', [CompletionResultType]::ParameterName, 'Keep change records no older than this, e.g. 90d (0: no limit) [default: 365d]')
            [CompletionResult]::new('--require-message', '--require-message', [CompletionResultType]::ParameterName, 'Refuse writes without -m/--message')
            [CompletionResult]::new('--keep-extra', '--keep-extra', [CompletionResultType]::ParameterName, 'Keep keys that only a target has')
            [CompletionResult]::new('--allow-empty-source', '--allow-empty-source', [CompletionResultType]::ParameterName, 'Sync from a source that holds no dynamic config keys (which empties the targets, unless --keep-extra)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (needed when standard input is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (needed when standard input is not a terminal)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would change and write nothing')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tcfg;watch' {
            [CompletionResult]::new('--prefixes', '--prefixes', [CompletionResultType]::ParameterName, 'Watch several prefixes at once (a short root such as /active means /active/temporal/dynamicconfig/)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace name')
            [CompletionResult]::new('--namespace-id', '--namespace-id', [CompletionResultType]::ParameterName, 'Namespace ID')
            [CompletionResult]::new('--task-queue', '--task-queue', [CompletionResultType]::ParameterName, 'Task queue name (a partition such as /_sys/orders/3 counts as its base name)')
            [CompletionResult]::new('--task-type', '--task-type', [CompletionResultType]::ParameterName, 'Task queue type: Workflow, Activity or Nexus')
            [CompletionResult]::new('--history-task-type', '--history-task-type', [CompletionResultType]::ParameterName, 'History task type, such as TransferActivityTask or UserTimer')
            [CompletionResult]::new('--shard-id', '--shard-id', [CompletionResultType]::ParameterName, 'History shard ID')
            [CompletionResult]::new('--destination', '--destination', [CompletionResultType]::ParameterName, 'Nexus or callback destination')
            [CompletionResult]::new('--chasm-task-type', '--chasm-task-type', [CompletionResultType]::ParameterName, 'CHASM task type')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--since-revision', '--since-revision', [CompletionResultType]::ParameterName, 'Replay the changes after this revision first (etcd must still keep them)')
            [CompletionResult]::new('--metrics-addr', '--metrics-addr', [CompletionResultType]::ParameterName, 'Serve Prometheus metrics on this address meanwhile (e.g. 127.0.0.1:9100)')
            [CompletionResult]::new('--temporal-version', '--temporal-version', [CompletionResultType]::ParameterName, 'Temporal release whose keys apply (1.27 to 1.31; default: the newest)')
            [CompletionResult]::new('--schema', '--schema', [CompletionResultType]::ParameterName, 'Key registry file (TSV: key, type, precedence, default, constrained_defaults) for a custom or newer server build')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)')
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'etcd endpoints, host:port or http(s):// URLs, comma-separated [default: 127.0.0.1:2379]')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Key prefix of the dynamic config (a trailing / is added) [default: /temporal/dynamicconfig/]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA certificate (PEM) that signed the etcd server certificates')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for mutual TLS')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client private key (PEM) for mutual TLS')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'etcd user (also `name:password`); the password is prompted for on a terminal when not given')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'etcd password')
            [CompletionResult]::new('--dial-timeout', '--dial-timeout', [CompletionResultType]::ParameterName, 'Time to establish a connection [default: 2s]')
            [CompletionResult]::new('--command-timeout', '--command-timeout', [CompletionResultType]::ParameterName, 'Time for one command''s requests [default: 5s]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The seed library''s YAML config file (etcdConfigs, globalKeyPrefix, TLS files) [default: $XDG_CONFIG_HOME/tcfg/config.yaml when present]')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'Which etcdConfigs entry of the config file to use [default: the first]')
            [CompletionResult]::new('--history-prefix', '--history-prefix', [CompletionResultType]::ParameterName, 'Where change records go [default: beside the prefix, e.g. /temporal/dynamicconfig.history/]')
            [CompletionResult]::new('--history-keep', '--history-keep', [CompletionResultType]::ParameterName, 'Keep the newest N change records; a writer prunes older ones (0: no limit) [default: 10000]')
            [CompletionResult]::new('--history-max-age', '--history-max-age', [CompletionResultType]::ParameterName, 'Keep change records no older than this, e.g. 90d (0: no limit) [default: 365d]')
            [CompletionResult]::new('--require-message', '--require-message', [CompletionResultType]::ParameterName, 'Refuse writes without -m/--message')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tcfg;render' {
            [CompletionResult]::new('--base', '--base', [CompletionResultType]::ParameterName, 'A file layer under the prefix: a key stored in etcd replaces the base''s list for that key')
            [CompletionResult]::new('--max-drop', '--max-drop', [CompletionResultType]::ParameterName, 'Refuse a render that drops more than this share of the file''s keys at once')
            [CompletionResult]::new('--report-as', '--report-as', [CompletionResultType]::ParameterName, 'With --follow: report as NAME in a record beside the prefix, gone when this renderer is ('''' reports nothing) [default: the host name]')
            [CompletionResult]::new('--report-ttl', '--report-ttl', [CompletionResultType]::ParameterName, 'How long a renderer''s record outlives a renderer that died without removing it')
            [CompletionResult]::new('--metrics-addr', '--metrics-addr', [CompletionResultType]::ParameterName, 'With --follow: serve Prometheus metrics (/metrics) and probes (/healthz, /readyz) on this address')
            [CompletionResult]::new('--mode', '--mode', [CompletionResultType]::ParameterName, 'The mode of a new file, in octal [default: 0644; an existing file keeps its own]')
            [CompletionResult]::new('--temporal-version', '--temporal-version', [CompletionResultType]::ParameterName, 'Temporal release whose keys apply (1.27 to 1.31; default: the newest)')
            [CompletionResult]::new('--schema', '--schema', [CompletionResultType]::ParameterName, 'Key registry file (TSV: key, type, precedence, default, constrained_defaults) for a custom or newer server build')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)')
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'etcd endpoints, host:port or http(s):// URLs, comma-separated [default: 127.0.0.1:2379]')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Key prefix of the dynamic config (a trailing / is added) [default: /temporal/dynamicconfig/]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA certificate (PEM) that signed the etcd server certificates')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for mutual TLS')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client private key (PEM) for mutual TLS')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'etcd user (also `name:password`); the password is prompted for on a terminal when not given')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'etcd password')
            [CompletionResult]::new('--dial-timeout', '--dial-timeout', [CompletionResultType]::ParameterName, 'Time to establish a connection [default: 2s]')
            [CompletionResult]::new('--command-timeout', '--command-timeout', [CompletionResultType]::ParameterName, 'Time for one command''s requests [default: 5s]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The seed library''s YAML config file (etcdConfigs, globalKeyPrefix, TLS files) [default: $XDG_CONFIG_HOME/tcfg/config.yaml when present]')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'Which etcdConfigs entry of the config file to use [default: the first]')
            [CompletionResult]::new('--history-prefix', '--history-prefix', [CompletionResultType]::ParameterName, 'Where change records go [default: beside the prefix, e.g. /temporal/dynamicconfig.history/]')
            [CompletionResult]::new('--history-keep', '--history-keep', [CompletionResultType]::ParameterName, 'Keep the newest N change records; a writer prunes older ones (0: no limit) [default: 10000]')
            [CompletionResult]::new('--history-max-age', '--history-max-age', [CompletionResultType]::ParameterName, 'Keep change records no older than this, e.g. 90d (0: no limit) [default: 365d]')
            [CompletionResult]::new('--require-message', '--require-message', [CompletionResultType]::ParameterName, 'Refuse writes without -m/--message')
            [CompletionResult]::new('--drop-unknown-keys', '--drop-unknown-keys', [CompletionResultType]::ParameterName, 'Leave out keys the release does not register (kept by default: Temporal ignores them)')
            [CompletionResult]::new('--allow-empty', '--allow-empty', [CompletionResultType]::ParameterName, 'Write an empty file over one that has keys')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Keep the file current: render again after every change, until SIGTERM or Ctrl-C')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tcfg;completions' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Write the scripts of every shell into this folder (for packagers)')
            [CompletionResult]::new('--temporal-version', '--temporal-version', [CompletionResultType]::ParameterName, 'Temporal release whose keys apply (1.27 to 1.31; default: the newest)')
            [CompletionResult]::new('--schema', '--schema', [CompletionResultType]::ParameterName, 'Key registry file (TSV: key, type, precedence, default, constrained_defaults) for a custom or newer server build')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)')
            [CompletionResult]::new('--endpoints', '--endpoints', [CompletionResultType]::ParameterName, 'etcd endpoints, host:port or http(s):// URLs, comma-separated [default: 127.0.0.1:2379]')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Key prefix of the dynamic config (a trailing / is added) [default: /temporal/dynamicconfig/]')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA certificate (PEM) that signed the etcd server certificates')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for mutual TLS')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client private key (PEM) for mutual TLS')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'etcd user (also `name:password`); the password is prompted for on a terminal when not given')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'etcd password')
            [CompletionResult]::new('--dial-timeout', '--dial-timeout', [CompletionResultType]::ParameterName, 'Time to establish a connection [default: 2s]')
            [CompletionResult]::new('--command-timeout', '--command-timeout', [CompletionResultType]::ParameterName, 'Time for one command''s requests [default: 5s]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The seed library''s YAML config file (etcdConfigs, globalKeyPrefix, TLS files) [default: $XDG_CONFIG_HOME/tcfg/config.yaml when present]')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'Which etcdConfigs entry of the config file to use [default: the first]')
            [CompletionResult]::new('--history-prefix', '--history-prefix', [CompletionResultType]::ParameterName, 'Where change records go [default: beside the prefix, e.g. /temporal/dynamicconfig.history/]')
            [CompletionResult]::new('--history-keep', '--history-keep', [CompletionResultType]::ParameterName, 'Keep the newest N change records; a writer prunes older ones (0: no limit) [default: 10000]')
            [CompletionResult]::new('--history-max-age', '--history-max-age', [CompletionResultType]::ParameterName, 'Keep change records no older than this, e.g. 90d (0: no limit) [default: 365d]')
            [CompletionResult]::new('--require-message', '--require-message', [CompletionResultType]::ParameterName, 'Refuse writes without -m/--message')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tcfg;help' {
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check dynamic config files as Temporal would read them, and for what Temporal misses')
            [CompletionResult]::new('keys', 'keys', [CompletionResultType]::ParameterValue, 'List the keys a Temporal release registers, or show one key in full')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Show a key''s stored items, or its effective value for a namespace, task queue...')
            [CompletionResult]::new('put', 'put', [CompletionResultType]::ParameterValue, 'Set one item of a key (or, with -f, its whole list)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Remove one item of a key, or the whole key with --all')
            [CompletionResult]::new('dump', 'dump', [CompletionResultType]::ParameterValue, 'Print every key under the prefix as one document')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Show what apply would change (exit 0: nothing, 2: changes)')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Make the prefix hold the given files, in one atomic, conflict-checked transaction')
            [CompletionResult]::new('sync', 'sync', [CompletionResultType]::ParameterValue, 'Make other prefixes (clusters) identical to a source prefix')
            [CompletionResult]::new('watch', 'watch', [CompletionResultType]::ParameterValue, 'Follow changes as they happen (several prefixes at once, with drift reports)')
            [CompletionResult]::new('render', 'render', [CompletionResultType]::ParameterValue, 'Write the prefix as the YAML file a stock Temporal server reads (dynamicConfigClient.filepath)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tcfg;help;validate' {
            break
        }
        'tcfg;help;keys' {
            break
        }
        'tcfg;help;get' {
            break
        }
        'tcfg;help;put' {
            break
        }
        'tcfg;help;delete' {
            break
        }
        'tcfg;help;dump' {
            break
        }
        'tcfg;help;diff' {
            break
        }
        'tcfg;help;apply' {
            break
        }
        'tcfg;help;sync' {
            break
        }
        'tcfg;help;watch' {
            break
        }
        'tcfg;help;render' {
            break
        }
        'tcfg;help;completions' {
            break
        }
        'tcfg;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
