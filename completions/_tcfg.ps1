
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
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check dynamic config files as Temporal would read them, and for what Temporal misses')
            [CompletionResult]::new('keys', 'keys', [CompletionResultType]::ParameterValue, 'List the keys a Temporal release registers, or show one key in full')
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
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tcfg;completions' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Write the scripts of every shell into this folder (for packagers)')
            [CompletionResult]::new('--temporal-version', '--temporal-version', [CompletionResultType]::ParameterName, 'Temporal release whose keys apply (1.27 to 1.31; default: the newest)')
            [CompletionResult]::new('--schema', '--schema', [CompletionResultType]::ParameterName, 'Key registry file (TSV: key, type, precedence, default, constrained_defaults) for a custom or newer server build')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tcfg;help' {
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check dynamic config files as Temporal would read them, and for what Temporal misses')
            [CompletionResult]::new('keys', 'keys', [CompletionResultType]::ParameterValue, 'List the keys a Temporal release registers, or show one key in full')
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
