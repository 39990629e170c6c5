"""CLI commands beyond the core ones in `paybench.cli`.

Each module here defines `register(app: typer.Typer) -> None`, which adds its commands;
`paybench.cli` calls every module's `register` at start-up. Modules import their heavy
dependencies inside the command functions so that `paybench --help` stays fast.
"""
