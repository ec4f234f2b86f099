
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
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand validate 'Check dynamic config files as Temporal would read them, and for what Temporal misses'
            cand keys 'List the keys a Temporal release registers, or show one key in full'
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
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tcfg;help'= {
            cand validate 'Check dynamic config files as Temporal would read them, and for what Temporal misses'
            cand keys 'List the keys a Temporal release registers, or show one key in full'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'tcfg;help;validate'= {
        }
        &'tcfg;help;keys'= {
        }
        &'tcfg;help;completions'= {
        }
        &'tcfg;help;help'= {
        }
    ]
    $completions[$command]
}
