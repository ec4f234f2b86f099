
use builtin;
use str;

set edit:completion:arg-completer[tcfg] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'tcfg'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'tcfg'= {
            cand --temporal-version 'Temporal release whose keys apply (1.27 to 1.31; default: the newest)'
            cand --schema 'Key registry file (TSV: key, type, precedence, default, constrained_defaults) for a custom or newer server build'
            cand --color 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)'
            cand --endpoints 'etcd endpoints, host:port or http(s):// URLs, comma-separated [default: 127.0.0.1:2379]'
            cand --prefix 'Key prefix of the dynamic config (a trailing / is added) [default: /temporal/dynamicconfig/]'
            cand --cacert 'CA certificate (PEM) that signed the etcd server certificates'
            cand --cert 'Client certificate (PEM) for mutual TLS'
            cand --key 'Client private key (PEM) for mutual TLS'
            cand --user 'etcd user (also `name:password`); the password is prompted for on a terminal when not given'
            cand --password 'etcd password'
            cand --dial-timeout 'Time to establish a connection [default: 2s]'
            cand --command-timeout 'Time for one command''s requests [default: 5s]'
            cand --config 'The seed library''s YAML config file (etcdConfigs, globalKeyPrefix, TLS files) [default: $XDG_CONFIG_HOME/tcfg/config.yaml when present]'
            cand --cluster 'Which etcdConfigs entry of the config file to use [default: the first]'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand validate 'Check dynamic config files as Temporal would read them, and for what Temporal misses'
            cand keys 'List the keys a Temporal release registers, or show one key in full'
            cand get 'Show a key''s stored items, or its effective value for a namespace, task queue...'
            cand put 'Set one item of a key (or, with -f, its whole list)'
            cand delete 'Remove one item of a key, or the whole key with --all'
            cand dump 'Print every key under the prefix as one document'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'tcfg;validate'= {
            cand -f 'Files to check (YAML or JSON; `-` reads standard input). Together they form one config'
            cand --file 'Files to check (YAML or JSON; `-` reads standard input). Together they form one config'
            cand -o 'Report format: text findings on stderr, or one JSON report on stdout'
            cand --output 'Report format: text findings on stderr, or one JSON report on stdout'
            cand --temporal-version 'Temporal release whose keys apply (1.27 to 1.31; default: the newest)'
            cand --schema 'Key registry file (TSV: key, type, precedence, default, constrained_defaults) for a custom or newer server build'
            cand --color 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)'
            cand --endpoints 'etcd endpoints, host:port or http(s):// URLs, comma-separated [default: 127.0.0.1:2379]'
            cand --prefix 'Key prefix of the dynamic config (a trailing / is added) [default: /temporal/dynamicconfig/]'
            cand --cacert 'CA certificate (PEM) that signed the etcd server certificates'
            cand --cert 'Client certificate (PEM) for mutual TLS'
            cand --key 'Client private key (PEM) for mutual TLS'
            cand --user 'etcd user (also `name:password`); the password is prompted for on a terminal when not given'
            cand --password 'etcd password'
            cand --dial-timeout 'Time to establish a connection [default: 2s]'
            cand --command-timeout 'Time for one command''s requests [default: 5s]'
            cand --config 'The seed library''s YAML config file (etcdConfigs, globalKeyPrefix, TLS files) [default: $XDG_CONFIG_HOME/tcfg/config.yaml when present]'
            cand --cluster 'Which etcdConfigs entry of the config file to use [default: the first]'
            cand --strict 'Fail on warnings too (notes never fail)'
            cand --allow-unknown-keys 'Report unknown keys as warnings, for custom server builds with keys of their own'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tcfg;keys'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --type 'Only keys of this type (bool, int, float, string, duration, map, typed)'
            cand --precedence 'Only keys of this precedence (global, namespace, namespaceId, taskQueue, shardId, taskType, destination, chasmTaskType)'
            cand --temporal-version 'Temporal release whose keys apply (1.27 to 1.31; default: the newest)'
            cand --schema 'Key registry file (TSV: key, type, precedence, default, constrained_defaults) for a custom or newer server build'
            cand --color 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)'
            cand --endpoints 'etcd endpoints, host:port or http(s):// URLs, comma-separated [default: 127.0.0.1:2379]'
            cand --prefix 'Key prefix of the dynamic config (a trailing / is added) [default: /temporal/dynamicconfig/]'
            cand --cacert 'CA certificate (PEM) that signed the etcd server certificates'
            cand --cert 'Client certificate (PEM) for mutual TLS'
            cand --key 'Client private key (PEM) for mutual TLS'
            cand --user 'etcd user (also `name:password`); the password is prompted for on a terminal when not given'
            cand --password 'etcd password'
            cand --dial-timeout 'Time to establish a connection [default: 2s]'
            cand --command-timeout 'Time for one command''s requests [default: 5s]'
            cand --config 'The seed library''s YAML config file (etcdConfigs, globalKeyPrefix, TLS files) [default: $XDG_CONFIG_HOME/tcfg/config.yaml when present]'
            cand --cluster 'Which etcdConfigs entry of the config file to use [default: the first]'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tcfg;get'= {
            cand --namespace 'Namespace name'
            cand --namespace-id 'Namespace ID'
            cand --task-queue 'Task queue name (a partition such as /_sys/orders/3 counts as its base name)'
            cand --task-type 'Task queue type: Workflow, Activity or Nexus'
            cand --history-task-type 'History task type, such as TransferActivityTask or UserTimer'
            cand --shard-id 'History shard ID'
            cand --destination 'Nexus or callback destination'
            cand --chasm-task-type 'CHASM task type'
            cand -o 'Output format [default: table on a terminal, yaml otherwise]'
            cand --output 'Output format [default: table on a terminal, yaml otherwise]'
            cand --temporal-version 'Temporal release whose keys apply (1.27 to 1.31; default: the newest)'
            cand --schema 'Key registry file (TSV: key, type, precedence, default, constrained_defaults) for a custom or newer server build'
            cand --color 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)'
            cand --endpoints 'etcd endpoints, host:port or http(s):// URLs, comma-separated [default: 127.0.0.1:2379]'
            cand --prefix 'Key prefix of the dynamic config (a trailing / is added) [default: /temporal/dynamicconfig/]'
            cand --cacert 'CA certificate (PEM) that signed the etcd server certificates'
            cand --cert 'Client certificate (PEM) for mutual TLS'
            cand --key 'Client private key (PEM) for mutual TLS'
            cand --user 'etcd user (also `name:password`); the password is prompted for on a terminal when not given'
            cand --password 'etcd password'
            cand --dial-timeout 'Time to establish a connection [default: 2s]'
            cand --command-timeout 'Time for one command''s requests [default: 5s]'
            cand --config 'The seed library''s YAML config file (etcdConfigs, globalKeyPrefix, TLS files) [default: $XDG_CONFIG_HOME/tcfg/config.yaml when present]'
            cand --cluster 'Which etcdConfigs entry of the config file to use [default: the first]'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tcfg;put'= {
            cand -f 'Replace the key''s whole list with the items in this file (`-` for stdin)'
            cand --file 'Replace the key''s whole list with the items in this file (`-` for stdin)'
            cand --namespace 'Namespace name'
            cand --namespace-id 'Namespace ID'
            cand --task-queue 'Task queue name (a partition such as /_sys/orders/3 counts as its base name)'
            cand --task-type 'Task queue type: Workflow, Activity or Nexus'
            cand --history-task-type 'History task type, such as TransferActivityTask or UserTimer'
            cand --shard-id 'History shard ID'
            cand --destination 'Nexus or callback destination'
            cand --chasm-task-type 'CHASM task type'
            cand --temporal-version 'Temporal release whose keys apply (1.27 to 1.31; default: the newest)'
            cand --schema 'Key registry file (TSV: key, type, precedence, default, constrained_defaults) for a custom or newer server build'
            cand --color 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)'
            cand --endpoints 'etcd endpoints, host:port or http(s):// URLs, comma-separated [default: 127.0.0.1:2379]'
            cand --prefix 'Key prefix of the dynamic config (a trailing / is added) [default: /temporal/dynamicconfig/]'
            cand --cacert 'CA certificate (PEM) that signed the etcd server certificates'
            cand --cert 'Client certificate (PEM) for mutual TLS'
            cand --key 'Client private key (PEM) for mutual TLS'
            cand --user 'etcd user (also `name:password`); the password is prompted for on a terminal when not given'
            cand --password 'etcd password'
            cand --dial-timeout 'Time to establish a connection [default: 2s]'
            cand --command-timeout 'Time for one command''s requests [default: 5s]'
            cand --config 'The seed library''s YAML config file (etcdConfigs, globalKeyPrefix, TLS files) [default: $XDG_CONFIG_HOME/tcfg/config.yaml when present]'
            cand --cluster 'Which etcdConfigs entry of the config file to use [default: the first]'
            cand -y 'Do not ask for confirmation (needed when standard input is not a terminal)'
            cand --yes 'Do not ask for confirmation (needed when standard input is not a terminal)'
            cand --dry-run 'Show what would change and write nothing'
            cand --allow-unknown-keys 'Accept a key the release does not register (custom server builds)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tcfg;delete'= {
            cand --namespace 'Namespace name'
            cand --namespace-id 'Namespace ID'
            cand --task-queue 'Task queue name (a partition such as /_sys/orders/3 counts as its base name)'
            cand --task-type 'Task queue type: Workflow, Activity or Nexus'
            cand --history-task-type 'History task type, such as TransferActivityTask or UserTimer'
            cand --shard-id 'History shard ID'
            cand --destination 'Nexus or callback destination'
            cand --chasm-task-type 'CHASM task type'
            cand --temporal-version 'Temporal release whose keys apply (1.27 to 1.31; default: the newest)'
            cand --schema 'Key registry file (TSV: key, type, precedence, default, constrained_defaults) for a custom or newer server build'
            cand --color 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)'
            cand --endpoints 'etcd endpoints, host:port or http(s):// URLs, comma-separated [default: 127.0.0.1:2379]'
            cand --prefix 'Key prefix of the dynamic config (a trailing / is added) [default: /temporal/dynamicconfig/]'
            cand --cacert 'CA certificate (PEM) that signed the etcd server certificates'
            cand --cert 'Client certificate (PEM) for mutual TLS'
            cand --key 'Client private key (PEM) for mutual TLS'
            cand --user 'etcd user (also `name:password`); the password is prompted for on a terminal when not given'
            cand --password 'etcd password'
            cand --dial-timeout 'Time to establish a connection [default: 2s]'
            cand --command-timeout 'Time for one command''s requests [default: 5s]'
            cand --config 'The seed library''s YAML config file (etcdConfigs, globalKeyPrefix, TLS files) [default: $XDG_CONFIG_HOME/tcfg/config.yaml when present]'
            cand --cluster 'Which etcdConfigs entry of the config file to use [default: the first]'
            cand --all 'Delete the whole key, every item of it'
            cand -y 'Do not ask for confirmation (needed when standard input is not a terminal)'
            cand --yes 'Do not ask for confirmation (needed when standard input is not a terminal)'
            cand --dry-run 'Show what would change and write nothing'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tcfg;dump'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --revision 'Read as of this etcd revision'
            cand --temporal-version 'Temporal release whose keys apply (1.27 to 1.31; default: the newest)'
            cand --schema 'Key registry file (TSV: key, type, precedence, default, constrained_defaults) for a custom or newer server build'
            cand --color 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)'
            cand --endpoints 'etcd endpoints, host:port or http(s):// URLs, comma-separated [default: 127.0.0.1:2379]'
            cand --prefix 'Key prefix of the dynamic config (a trailing / is added) [default: /temporal/dynamicconfig/]'
            cand --cacert 'CA certificate (PEM) that signed the etcd server certificates'
            cand --cert 'Client certificate (PEM) for mutual TLS'
            cand --key 'Client private key (PEM) for mutual TLS'
            cand --user 'etcd user (also `name:password`); the password is prompted for on a terminal when not given'
            cand --password 'etcd password'
            cand --dial-timeout 'Time to establish a connection [default: 2s]'
            cand --command-timeout 'Time for one command''s requests [default: 5s]'
            cand --config 'The seed library''s YAML config file (etcdConfigs, globalKeyPrefix, TLS files) [default: $XDG_CONFIG_HOME/tcfg/config.yaml when present]'
            cand --cluster 'Which etcdConfigs entry of the config file to use [default: the first]'
            cand --keys-only 'Only the key names, one per line'
            cand --allow-unknown-keys 'Report keys the release does not register as warnings, not errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tcfg;completions'= {
            cand --dir 'Write the scripts of every shell into this folder (for packagers)'
            cand --temporal-version 'Temporal release whose keys apply (1.27 to 1.31; default: the newest)'
            cand --schema 'Key registry file (TSV: key, type, precedence, default, constrained_defaults) for a custom or newer server build'
            cand --color 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)'
            cand --endpoints 'etcd endpoints, host:port or http(s):// URLs, comma-separated [default: 127.0.0.1:2379]'
            cand --prefix 'Key prefix of the dynamic config (a trailing / is added) [default: /temporal/dynamicconfig/]'
            cand --cacert 'CA certificate (PEM) that signed the etcd server certificates'
            cand --cert 'Client certificate (PEM) for mutual TLS'
            cand --key 'Client private key (PEM) for mutual TLS'
            cand --user 'etcd user (also `name:password`); the password is prompted for on a terminal when not given'
            cand --password 'etcd password'
            cand --dial-timeout 'Time to establish a connection [default: 2s]'
            cand --command-timeout 'Time for one command''s requests [default: 5s]'
            cand --config 'The seed library''s YAML config file (etcdConfigs, globalKeyPrefix, TLS files) [default: $XDG_CONFIG_HOME/tcfg/config.yaml when present]'
            cand --cluster 'Which etcdConfigs entry of the config file to use [default: the first]'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tcfg;help'= {
            cand validate 'Check dynamic config files as Temporal would read them, and for what Temporal misses'
            cand keys 'List the keys a Temporal release registers, or show one key in full'
            cand get 'Show a key''s stored items, or its effective value for a namespace, task queue...'
            cand put 'Set one item of a key (or, with -f, its whole list)'
            cand delete 'Remove one item of a key, or the whole key with --all'
            cand dump 'Print every key under the prefix as one document'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'tcfg;help;validate'= {
        }
        &'tcfg;help;keys'= {
        }
        &'tcfg;help;get'= {
        }
        &'tcfg;help;put'= {
        }
        &'tcfg;help;delete'= {
        }
        &'tcfg;help;dump'= {
        }
        &'tcfg;help;completions'= {
        }
        &'tcfg;help;help'= {
        }
    ]
    $completions[$command]
}
