"""The `lessonkit` command line: every command, the output layer that writes what renderers
return, and the processes that outlive one build (the `serve` preview).

`main` is the entry point and its lazy command table; `commands/` holds one module per
command; `output` stages files under temporary names and swaps them in; `rebuild` is what
`serve` keeps between builds; `liveserver` is the preview web server.
"""
