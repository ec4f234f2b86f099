# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_tcfg_global_optspecs
    string join \n temporal-version= schema= color= h/help V/version
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

complete -c tcfg -n "__fish_tcfg_needs_command" -l temporal-version -d 'Temporal release whose keys apply (1.27 to 1.31; default: the newest)' -r
complete -c tcfg -n "__fish_tcfg_needs_command" -l schema -d 'Key registry file (TSV: key, type, precedence, default, constrained_defaults) for a custom or newer server build' -r -F
complete -c tcfg -n "__fish_tcfg_needs_command" -l color -d 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tcfg -n "__fish_tcfg_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tcfg -n "__fish_tcfg_needs_command" -s V -l version -d 'Print version'
complete -c tcfg -n "__fish_tcfg_needs_command" -f -a "validate" -d 'Check dynamic config files as Temporal would read them, and for what Temporal misses'
complete -c tcfg -n "__fish_tcfg_needs_command" -f -a "keys" -d 'List the keys a Temporal release registers, or show one key in full'
complete -c tcfg -n "__fish_tcfg_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c tcfg -n "__fish_tcfg_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tcfg -n "__fish_tcfg_using_subcommand validate" -s f -l file -d 'Files to check (YAML or JSON; `-` reads standard input). Together they form one config' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand validate" -s o -l output -d 'Report format: text findings on stderr, or one JSON report on stdout' -r -f -a "text\t''
json\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand validate" -l temporal-version -d 'Temporal release whose keys apply (1.27 to 1.31; default: the newest)' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand validate" -l schema -d 'Key registry file (TSV: key, type, precedence, default, constrained_defaults) for a custom or newer server build' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand validate" -l color -d 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand validate" -l strict -d 'Fail on warnings too (notes never fail)'
complete -c tcfg -n "__fish_tcfg_using_subcommand validate" -l allow-unknown-keys -d 'Report unknown keys as warnings, for custom server builds with keys of their own'
complete -c tcfg -n "__fish_tcfg_using_subcommand validate" -s h -l help -d 'Print help'
complete -c tcfg -n "__fish_tcfg_using_subcommand validate" -s V -l version -d 'Print version'
complete -c tcfg -n "__fish_tcfg_using_subcommand keys" -s o -l output -d 'Output format' -r -f -a "table\t'Human-readable text or table'
json\t''
yaml\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand keys" -l type -d 'Only keys of this type (bool, int, float, string, duration, map, typed)' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand keys" -l precedence -d 'Only keys of this precedence (global, namespace, namespaceId, taskQueue, shardId, taskType, destination, chasmTaskType)' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand keys" -l temporal-version -d 'Temporal release whose keys apply (1.27 to 1.31; default: the newest)' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand keys" -l schema -d 'Key registry file (TSV: key, type, precedence, default, constrained_defaults) for a custom or newer server build' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand keys" -l color -d 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand keys" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tcfg -n "__fish_tcfg_using_subcommand keys" -s V -l version -d 'Print version'
complete -c tcfg -n "__fish_tcfg_using_subcommand completions" -l dir -d 'Write the scripts of every shell into this folder (for packagers)' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand completions" -l temporal-version -d 'Temporal release whose keys apply (1.27 to 1.31; default: the newest)' -r
complete -c tcfg -n "__fish_tcfg_using_subcommand completions" -l schema -d 'Key registry file (TSV: key, type, precedence, default, constrained_defaults) for a custom or newer server build' -r -F
complete -c tcfg -n "__fish_tcfg_using_subcommand completions" -l color -d 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tcfg -n "__fish_tcfg_using_subcommand completions" -s h -l help -d 'Print help'
complete -c tcfg -n "__fish_tcfg_using_subcommand completions" -s V -l version -d 'Print version'
complete -c tcfg -n "__fish_tcfg_using_subcommand help; and not __fish_seen_subcommand_from validate keys completions help" -f -a "validate" -d 'Check dynamic config files as Temporal would read them, and for what Temporal misses'
complete -c tcfg -n "__fish_tcfg_using_subcommand help; and not __fish_seen_subcommand_from validate keys completions help" -f -a "keys" -d 'List the keys a Temporal release registers, or show one key in full'
complete -c tcfg -n "__fish_tcfg_using_subcommand help; and not __fish_seen_subcommand_from validate keys completions help" -f -a "completions" -d 'Print a shell completion script'
complete -c tcfg -n "__fish_tcfg_using_subcommand help; and not __fish_seen_subcommand_from validate keys completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
